# Svar kiosk interface text, English. Form text comes from the form files.
# Every message here must exist in every locale (a test checks it).

demo-ribbon = DEMO – not for patient data
## Welcome
welcome-logo = The Svar logo
welcome-title = Welcome
welcome-ask-staff = Please ask the staff to start your questionnaire.
welcome-start-demo = Start the demo

## Language choice
language-title = Choose your language
language-keep = Keep this language
language-hint = You can change the language at any time at the top of the screen.

## Header (always at hand)
header-language = Language
header-text-size = Text size
text-size-normal = Normal text
text-size-large = Large text
text-size-largest = Largest text
header-contrast = High contrast
header-contrast-on = High contrast on
header-contrast-off = High contrast off

## Navigation
nav-back = Back
nav-next = Next
# The cue at the foot of a page that goes on below the screen; tapping it scrolls down.
more-below = More below
progress-question = Question { $current } of { $total }
progress-form = Part { $current } of { $total }

## Form intro
intro-questions = { $count ->
    [one] This part has one question.
   *[other] This part has { $count } questions.
}
intro-questions-up-to = This part has { $min } to { $max } questions, depending on your answers.
intro-reading = { $count ->
    [one] There is also one page to read.
   *[other] There are also { $count } pages to read.
}
intro-start = Start

## Answers
answer-yes = Yes
answer-no = No
answer-required = This question needs an answer before you go on.
## Rating and slider
slider-not-set = Touch the line to choose your answer.
slider-value = Your answer: { $value }

## Number keypad
keypad-range = Enter a number from { $min } to { $max }.
keypad-out-of-range = The number must be from { $min } to { $max }.
keypad-decimals = { $decimals ->
    [0] Please use whole numbers only.
    [one] Please use at most one decimal.
   *[other] Please use at most { $decimals } decimals.
}
keypad-not-a-number = That is not a number. Please try again.
keypad-comma = Decimal comma
keypad-delete = Delete
keypad-clear = Clear

## On-screen keyboard
# The letter keys, row by row, in this language's keyboard order.
keyboard-letters = qwertyuiopå asdfghjkløæ zxcvbnmäöüé
keyboard-space = Space
keyboard-shift = Shift
keyboard-delete = Delete
keyboard-characters-left = { $count ->
    [one] One character left.
   *[other] { $count } characters left.
}
## Date entry
date-day = Day
date-month = Month
date-year = Year
date-chosen = Chosen date: { $date }
date-not-chosen = No date chosen yet.
date-invalid = That date does not exist. Please check the day.
date-out-of-range = Please choose a date from { $min } to { $max }.
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Body map
body-map-hint = Touch the areas where you have trouble. Touch again to remove.
body-map-chosen = You have chosen: { $regions }
body-map-none = No areas chosen yet.

## Signature
signature-hint = Sign with your finger in the box below.
signature-pad = Signature area
signature-clear = Clear
signature-confirm = Confirm signature
signature-confirmed = Your signature is saved.
signature-empty = Please sign in the box first.

## Review and finish
review-title = Check your answers
review-missing = { $count ->
    [one] One question still needs an answer.
   *[other] { $count } questions still need an answer.
}
review-complete = All questions are answered.
review-complete-next = Tap “{ review-finish }” to hand in your answers. To change an answer, tap “{ nav-back }”.
review-go-to = Go to: { $question }
review-finish = I am finished
finish-title = Are you finished?
finish-body = When you send your answers, you can no longer change them.
finish-confirm = Yes, send my answers
finish-cancel = No, go back
# The idle time-out paused a session staff started: nothing of the patient is shown.
paused-title = Ask the staff to continue
paused-body = The screen has not been used for a while, so your session is paused. Your answers are saved. The staff can let you continue where you left off.
paused-asked-body = Your answers are saved. The staff will come and help you, and you can continue where you left off.
thanks-title = Thank you!
thanks-body = Your answers have been saved. Please give the screen back to the staff.

## Idle time-out
idle-title = Are you still there?
idle-body = { $seconds ->
    [one] For your privacy, the questionnaire closes in one second.
   *[other] For your privacy, the questionnaire closes in { $seconds } seconds.
}
idle-continue = Yes, I am still here

## Staff mode (behind the PIN)
demo-ribbon-pin = DEMO – not for patient data · staff PIN { $pin }
staff-open = Staff
staff-pin-title = Staff PIN
staff-pin-field = PIN
staff-pin-enter = Open
staff-pin-checking = Checking the PIN …
staff-pin-wrong = { $count ->
    [one] Wrong PIN. One more try before the pad locks for five minutes.
   *[other] Wrong PIN. { $count } more tries before the pad locks for five minutes.
}
staff-pin-locked = Too many wrong PINs. Try again in { $seconds } seconds.
staff-menu-title = Staff
staff-language = Language of staff mode
staff-new-session = Start a session for a patient
staff-last-result = Result of the last session
staff-leave = Leave kiosk mode
staff-close = Back to the welcome screen
staff-id-type = Type of id
id-type-norwegian = Fødselsnummer or D-number
id-type-cpr = CPR number
id-type-study = Study id
staff-patient-id = Patient id
staff-id-invalid = This id is not valid: { $reason }
staff-battery = Questionnaire set
staff-timepoint = Time point
timepoint-baseline = Baseline
timepoint-month-6 = 6 months
timepoint-month-12 = 12 months
timepoint-screening = Screening
staff-hand-over = Hand the screen to the patient
staff-ended = Ended
staff-summary-none = No session has ended since staff last signed in.
staff-summary-waiting = The scores will show here once the session has been sealed.
staff-patient-consent-yes = Consent to the study: yes
staff-patient-consent-no = Consent to the study: no (the forms for research only were skipped)
staff-form-skipped = { $form }: skipped (research only)
staff-declined = Preferred not to answer: { $question }
staff-form-complete = { $form } ({ $answered } of { $asked } answered)
staff-no-value = no value (too few answers)
staff-flag = Attention: { $flag }

welcome-staff-attention = For staff: something is waiting in staff mode.
session-not-saved = Your answer is not saved yet. Please ask a member of staff for help.
staff-problem-disk-full = The disk is full: answers cannot be saved. Free some space; the session is kept until it works.
staff-problem-store = The local store is not working. The session is kept in memory until it works.
staff-problem-outbox = Cannot write to the outbox (disk full or not writable). The session is stored safely and will be sealed when it works.
staff-problem-seal = A session could not be sealed. It is stored safely.
staff-waiting = { $count ->
    [one] { $count } session waiting
   *[other] { $count } sessions waiting
}
staff-waiting-title = Interrupted and waiting sessions
staff-waiting-none = No sessions are waiting.
staff-resume = Resume the session
staff-seal-abandoned = End and seal
staff-seal-retry = Try sealing again
staff-today = Today's sessions
staff-today-none = No sessions today.
staff-entry-started = started { $when }
session-state-interrupted = interrupted
session-state-waiting = waiting to be sealed
session-state-abandoned = ended early
session-state-timeout = timed out
session-state-complete = complete
upload-waiting = in the outbox
upload-sent = sent
id-error-empty = nothing was entered.
id-error-not-digits = only digits are allowed.
id-error-length = the number has { $expected } digits, not { $found }.
id-error-dash = the dash is in the wrong place: write DDMMYY-SSSS or without a dash.
id-error-date = the first six digits are not a real date of birth (DDMMYY).
id-error-century = the individual number (digits 7–9) does not fit the year of birth.
id-error-control = the control digits do not match: a digit is probably mistyped.
id-error-pattern = the study id pattern in the configuration is not valid.
id-error-no-match = this is not a study id of the form this study uses.
staff-arm = Study arm
staff-consent = Consent to the study
staff-not-recorded = Not recorded
staff-consent-yes = Given
staff-consent-no = Not given
staff-upload-status = Upload: { $pending } waiting{ $failing ->
        [0] {""}
       *[other] {" "}({ $failing } after a failure)
    }, { $delivered } delivered, { $quarantined } in quarantine.
staff-upload-unauthorized = An upload target refuses this kiosk's credentials (token, certificate or access keys): the configuration needs fixing.
staff-upload-last = Last delivered: { $when }.
staff-upload-never = Nothing delivered since the kiosk started.

## Unanswered questions and "prefer not to answer"
decline-item = I prefer not to answer
unanswered-title = { $count ->
    [one] One question here is not answered.
   *[other] { $count } questions here are not answered.
}
unanswered-required = { $count ->
    [one] It needs an answer before you can go on.
   *[other] Some of them need an answer before you can go on.
}
unanswered-required-all = They all need an answer before you can go on.
unanswered-optional = { $count ->
    [one] You can answer it now, or go on without.
   *[other] You can answer them now, or go on without.
}
unanswered-answer = { $count ->
    [one] Answer it
   *[other] Answer them
}
unanswered-go-on = Go on without
review-go-to-required = Needs an answer – go to: { $question }
review-needed-for = { $label } (needed for a score)
review-ask-staff = Ask the staff for help

## svar preview: the admin's side panel beside the patient's screens
preview-window-title = Svar preview: { $form }
preview-loads = The file is valid. Save it in your editor to see each change here.
preview-broken = { $count ->
    [one] The file has a problem and does not load.
   *[other] The file has { $count } problems and does not load.
}
preview-showing-last = Showing the last version that loaded, with its answers.
preview-never-loaded = Fix the problems listed and save the file: the form shows here as soon as it loads.
preview-problems = Problems in the file
preview-no-problems = No problems.
preview-scores = Scores
preview-no-value = no value yet
preview-flag-attention = flagged for attention
preview-flag-alert = flagged as an alert
preview-flags-raised = Flags raised
preview-no-flags = None.
preview-questions = Questions
preview-required = required
preview-optional = optional
preview-declinable = can be declined
preview-state-answered = answered
preview-state-declined = declined
preview-state-unanswered = left unanswered
preview-state-not-reached = not reached yet
preview-state-hidden = hidden by a condition
preview-restart = Start again
preview-finished = Here the patient hands in. The preview keeps nothing and sends nothing.
