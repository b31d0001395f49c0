//! Upper bounds on every number in a form or battery file that decides how much the kiosk lays
//! out or allocates, or how much reading the file takes, so a file that validates is read and
//! draws each screen in bounded time and memory.
//!
//! Each bound is several times what the largest shipped instruments use (noted on each), and
//! each is refused with its own code; `docs/form-format.md` lists them for admins.

/// Bytes of a form or battery file, refused unread when larger (the largest shipped form, the
/// ODI, is about 33 KB).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Levels values in a file may nest, refused before parsing when deeper (shipped forms nest
/// about 10).
pub const MAX_DEPTH: usize = 64;

/// Pages in a form (the largest shipped form, the NMQ, has 10).
pub const MAX_PAGES: usize = 100;

/// Items on one page: a `together` or `grid` page draws them all on one screen (HSCL-25 has 25).
pub const MAX_PAGE_ITEMS: usize = 100;

/// Options of one scale or item, each a tile on screen (the largest shipped list has 12).
pub const MAX_OPTIONS: usize = 50;

/// Values a rating shows, `max - min + 1`, each a tile: 0–100 fits (shipped ratings show 11).
pub const MAX_RATING_VALUES: i64 = 101;

/// Characters in one language of one text, and in the file's plain notes (the longest shipped
/// text has about 600).
pub const MAX_TEXT_CHARS: usize = 3000;

/// Characters of all the texts one page shows in one language: its title, and its items'
/// questions, help, and option, anchor, unit and region labels. A `together` or `grid` page lays
/// them all out on one screen; without this bound only the file size would cap them (the
/// fullest shipped page, the ODI's, has about 3,500).
pub const MAX_PAGE_TEXT_CHARS: usize = 20_000;

/// The largest `max_length` of a text item: the most characters a patient may type
/// (the shipped forms ask for at most 60).
pub const MAX_ANSWER_CHARS: u32 = 2000;

/// Years a date item offers, from its earliest to its latest year; the year picker draws one
/// tile per decade (the default 1900–2100 offers 201).
pub const MAX_DATE_YEARS: i32 = 300;

/// The earliest year a date item offers when it gives no `min`.
pub const DEFAULT_FIRST_YEAR: i32 = 1900;

/// The latest year a date item offers when it gives no `max`.
pub const DEFAULT_LAST_YEAR: i32 = 2100;

/// Regions of one body map, each also a tile beside the image (the NMQ has 9).
pub const MAX_REGIONS: usize = 50;

/// Corner points of one polygon: filling a chosen region costs about the square of this on
/// every frame (the NMQ's largest has 14).
pub const MAX_POLYGON_POINTS: usize = 100;

/// Corner points over all polygons of one body map, all outlined on every frame.
pub const MAX_MAP_POINTS: usize = 2000;

/// Width and height in pixels of an image: the kiosk holds it as an uncompressed texture of
/// 4 bytes a pixel, and many graphics chips take no larger side (the shipped body map is
/// 600×900).
pub const MAX_IMAGE_SIDE: u32 = 4096;

/// Bytes of an image file, read whole when the kiosk first shows it (the shipped ones are
/// under 40 KB).
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

/// Scores of one form, all recomputed after every answer (CFQ-11 has 4).
pub const MAX_SCORES: usize = 50;

/// Bands of one score (PHQ-9 has 5).
pub const MAX_BANDS: usize = 20;

/// Flags of one form, all rechecked after every answer (PHQ-9 has 1).
pub const MAX_FLAGS: usize = 50;

/// Forms in one battery (the largest shipped battery has 7).
pub const MAX_BATTERY_FORMS: usize = 30;
