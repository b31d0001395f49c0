#!/bin/sh
# Draws assets/body_map.png: a plain human figure seen from behind, as on the Nordic
# Musculoskeletal Questionnaire's body map, 600×900 pixels, with no text.
#
#   sh assets/src/body_map.sh            # writes assets/body_map.png
#   sh assets/src/body_map.sh out.png    # writes elsewhere
#
# Needs ImageMagick 6 (`convert`). The figure is light grey (FILL) with a dark outline on a
# transparent background, so it sits on the light theme's page as on the high-contrast theme's
# black one; the kiosk tints it darker in high contrast (crates/svar-kiosk/src/ui/widgets/
# body_map.rs knows FILL as `FIGURE_FILL`: change both together). The region polygons of
# forms/nmq.json (item `trouble_12m`) are placed on this drawing: move them when it changes.
#
# Only the patient's left half (the image's left: seen from behind, the patient's left is on
# the left) is drawn; it is mirrored for the right half. Everything is drawn at twice the size
# and scaled down, for smooth edges. Coordinates below are in the final 600×900 pixels.
set -eu

OUT=${1:-"$(dirname "$0")/../body_map.png"}
FILL='#D6D6D6'    # the figure
LINE='#303030'    # its outline
DETAIL='#6E6E6E'  # lines inside it: hair line, spine, shoulder blades, buttocks, knees
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The left half of the silhouette, closed along the middle line x = 300.
BODY="M 300,22
  C 270,22 252,46 252,80
  C 244,80 243,108 255,111
  C 258,123 266,131 274,135
  L 276,140 C 277,150 277,158 276,164
  C 262,172 234,176 212,180
  C 190,183 175,193 171,212
  C 167,232 165,282 163,330
  C 162,344 161,352 161,362
  C 159,400 154,434 150,462
  C 142,480 136,520 140,548
  C 143,566 154,573 162,567
  C 170,557 174,522 173,492
  C 172,480 174,470 177,462
  C 181,430 186,396 189,366
  C 191,320 195,272 205,244
  C 207,240 209,238 212,236
  C 215,270 222,310 228,342
  C 224,372 212,396 210,426
  C 208,480 213,560 221,640
  C 224,660 224,676 222,690
  C 216,716 214,746 220,776
  C 226,800 236,820 242,838
  C 238,852 236,870 247,878
  C 258,885 272,883 278,876
  C 284,868 282,852 277,838
  C 280,812 288,780 286,746
  C 284,722 284,702 286,686
  C 288,620 294,540 300,484
  Z"

# Lines inside the figure (mirrored too; the spine and the cleft are their own mirror image).
DETAILS="
  M 262,114 C 276,121 290,123 300,123
  M 300,168 L 300,412
  M 272,208 C 274,236 272,262 262,286 C 250,270 238,250 228,232
  M 270,216 C 254,210 236,206 220,204
  M 300,414 L 300,478 C 284,486 254,484 226,474
  M 240,672 C 254,678 266,678 280,672
  M 166,354 C 172,359 178,359 184,355
  M 248,868 C 258,873 268,872 276,866
"

# Masks at twice the size: white where the figure (or a line) is, black elsewhere.
convert -size 1200x1800 xc:black -fill white -stroke none \
  -draw "scale 2,2 path '$BODY'" \
  \( +clone -flop \) -compose lighten -composite "$TMP/body.png"
convert -size 1200x1800 xc:black -fill none -stroke white -strokewidth 4 \
  -draw "scale 2,2 stroke-linecap round path '$DETAILS'" \
  \( +clone -flop \) -compose lighten -composite \
  "$TMP/body.png" -compose multiply -composite "$TMP/details.png"
# The outline: the figure grown by 6 pixels (12 at twice the size), thick enough to stay a line
# when the kiosk shows the picture at a third of its size.
convert "$TMP/body.png" -morphology Dilate Disk:12 "$TMP/outline.png"

# Colour layers, each with its mask as transparency, stacked and scaled down.
convert -size 1200x1800 "xc:$LINE" "$TMP/outline.png" -alpha off -compose copy-opacity -composite "$TMP/l1.png"
convert -size 1200x1800 "xc:$FILL" "$TMP/body.png" -alpha off -compose copy-opacity -composite "$TMP/l2.png"
convert -size 1200x1800 "xc:$DETAIL" "$TMP/details.png" -alpha off -compose copy-opacity -composite "$TMP/l3.png"
convert "$TMP/l1.png" "$TMP/l2.png" -compose over -composite \
  "$TMP/l3.png" -compose over -composite \
  -filter Box -resize 600x900 -background black -alpha background -strip -define png:color-type=4 -define png:compression-level=9 "$OUT"
