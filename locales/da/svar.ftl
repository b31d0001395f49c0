# Svar kiosk interface text, Danish. Form text comes from the form files.
# Every message here must exist in every locale (a test checks it).

demo-ribbon = DEMO – ikke til patientdata
## Welcome
welcome-logo = Svar-logoet
welcome-title = Velkommen
welcome-ask-staff = Bed personalet om at starte dit spørgeskema.
welcome-start-demo = Start demoen

## Language choice
language-title = Vælg sprog
language-keep = Behold sproget
language-hint = Du kan altid skifte sprog øverst på skærmen.

## Header (always at hand)
header-language = Sprog
header-text-size = Tekststørrelse
text-size-normal = Normal tekst
text-size-large = Stor tekst
text-size-largest = Største tekst
header-contrast = Høj kontrast
header-contrast-on = Høj kontrast til
header-contrast-off = Høj kontrast fra

## Navigation
nav-back = Tilbage
nav-next = Næste
# The cue at the foot of a page that goes on below the screen; tapping it scrolls down.
more-below = Mere nedenfor
progress-question = Spørgsmål { $current } af { $total }
progress-form = Del { $current } af { $total }

## Form intro
intro-questions = { $count ->
    [one] Denne del har ét spørgsmål.
   *[other] Denne del har { $count } spørgsmål.
}
intro-questions-up-to = Denne del har { $min } til { $max } spørgsmål, alt efter hvad du svarer.
intro-reading = { $count ->
    [one] Der er også én side at læse.
   *[other] Der er også { $count } sider at læse.
}
intro-start = Start

## Answers
answer-yes = Ja
answer-no = Nej
answer-required = Vi har brug for et svar på dette spørgsmål, før du går videre.
## Rating and slider
slider-not-set = Tryk på linjen for at vælge dit svar.
slider-value = Dit svar: { $value }

## Number keypad
keypad-range = Skriv et tal fra { $min } til { $max }.
keypad-out-of-range = Tallet skal være fra { $min } til { $max }.
keypad-decimals = { $decimals ->
    [0] Brug kun hele tal, uden komma.
    [one] Brug højst ét ciffer efter kommaet.
   *[other] Brug højst { $decimals } cifre efter kommaet.
}
keypad-not-a-number = Det er ikke et tal. Prøv igen.
keypad-comma = Decimalkomma
keypad-delete = Slet
keypad-clear = Ryd

## On-screen keyboard
# The letter keys, row by row, in this language's keyboard order.
keyboard-letters = qwertyuiopå asdfghjklæø zxcvbnmäöüé
keyboard-space = Mellemrum
keyboard-shift = Skift
keyboard-delete = Slet
keyboard-characters-left = { $count ->
    [one] Ét tegn tilbage.
   *[other] { $count } tegn tilbage.
}
## Date entry
date-day = Dag
date-month = Måned
date-year = År
date-chosen = Valgt dato: { $date }
date-not-chosen = Der er ikke valgt en dato endnu.
date-invalid = Den dato findes ikke. Tjek dagen en gang til.
date-out-of-range = Vælg en dato fra { $min } til { $max }.
month-1 = januar
month-2 = februar
month-3 = marts
month-4 = april
month-5 = maj
month-6 = juni
month-7 = juli
month-8 = august
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## Body map
body-map-hint = Tryk på de områder, hvor du har gener. Tryk igen for at fjerne dem.
body-map-chosen = Du har valgt: { $regions }
body-map-none = Der er ikke valgt nogen områder endnu.

## Signature
signature-hint = Skriv under med din finger i feltet herunder.
signature-pad = Felt til underskrift
signature-clear = Visk ud
signature-confirm = Bekræft underskriften
signature-confirmed = Din underskrift er gemt.
signature-empty = Skriv først under i feltet.

## Review and finish
review-title = Tjek dine svar
review-missing = { $count ->
    [one] Ét spørgsmål mangler stadig et svar.
   *[other] { $count } spørgsmål mangler stadig et svar.
}
review-complete = Alle spørgsmål er besvaret.
review-complete-next = Tryk på »{ review-finish }« for at aflevere svarene. Vil du ændre et svar, så tryk på »{ nav-back }«.
review-go-to = Gå til: { $question }
review-finish = Jeg er færdig
finish-title = Er du færdig?
finish-body = Når du har sendt dine svar, kan du ikke længere ændre dem.
finish-confirm = Ja, send mine svar
finish-cancel = Nej, gå tilbage
# The idle time-out paused a session staff started: nothing of the patient is shown.
paused-title = Bed personalet om at fortsætte
paused-body = Skærmen har ikke været brugt i et stykke tid, så sessionen er sat på pause. Dine svar er gemt. Personalet kan lade dig fortsætte, hvor du slap.
paused-asked-body = Dine svar er gemt. Personalet kommer og hjælper dig, og du kan fortsætte, hvor du slap.
thanks-title = Mange tak!
thanks-body = Dine svar er gemt. Nu kan du give skærmen tilbage til personalet.

## Idle time-out
idle-title = Er du her stadig?
idle-body = { $seconds ->
    [one] Af hensyn til dit privatliv lukker spørgeskemaet om ét sekund.
   *[other] Af hensyn til dit privatliv lukker spørgeskemaet om { $seconds } sekunder.
}
idle-continue = Ja, jeg er her stadig

## Staff mode (behind the PIN)
demo-ribbon-pin = DEMO – ikke til patientdata · PIN for personale { $pin }
staff-open = Personale
staff-pin-title = PIN for personale
staff-pin-field = PIN
staff-pin-enter = Åbn
staff-pin-checking = Kontrollerer PIN …
staff-pin-wrong = { $count ->
    [one] Forkert PIN. Ét forsøg mere, før tastaturet låses i fem minutter.
   *[other] Forkert PIN. { $count } forsøg mere, før tastaturet låses i fem minutter.
}
staff-pin-locked = For mange forkerte PIN. Prøv igen om { $seconds } sekunder.
staff-menu-title = Personale
staff-language = Sprog i personaletilstand
staff-new-session = Start en session for en patient
staff-last-result = Resultat af seneste session
staff-leave = Afslut kiosktilstand
staff-close = Tilbage til velkomstskærmen
staff-id-type = Type id
id-type-norwegian = Norsk fødselsnummer eller D-nummer
id-type-cpr = CPR-nummer
id-type-study = Studie-id
staff-patient-id = Patientens id
staff-id-invalid = Dette id er ikke gyldigt: { $reason }
staff-battery = Skemasæt
staff-timepoint = Tidspunkt
timepoint-baseline = Baseline
timepoint-month-6 = 6 måneder
timepoint-month-12 = 12 måneder
timepoint-screening = Screening
staff-hand-over = Giv skærmen til patienten
staff-ended = Afsluttet
staff-summary-none = Ingen session er afsluttet, siden personalet sidst loggede ind.
staff-summary-waiting = Scorerne vises her, når sessionen er forseglet.
staff-patient-consent-yes = Samtykke til forskningsprojektet: ja
staff-patient-consent-no = Samtykke til forskningsprojektet: nej (skemaerne, der kun er til forskning, blev sprunget over)
staff-form-skipped = { $form }: sprunget over (kun til forskning)
staff-declined = Ønskede ikke at svare på: { $question }
staff-form-complete = { $form } ({ $answered } af { $asked } besvaret)
staff-no-value = ingen værdi (for få svar)
staff-flag = OBS: { $flag }

welcome-staff-attention = Til personalet: der venter noget i personaletilstand.
session-not-saved = Dit svar er ikke gemt endnu. Bed en af personalet om hjælp.
staff-problem-disk-full = Disken er fuld: svarene kan ikke gemmes. Frigør plads; sessionen bevares, til det lykkes.
staff-problem-store = Det lokale lager virker ikke. Sessionen bevares i hukommelsen, til det lykkes.
staff-problem-outbox = Kan ikke skrive til udbakken (fuld disk eller skrivebeskyttet). Sessionen er gemt sikkert og forsegles, når det lykkes.
staff-problem-seal = En session kunne ikke forsegles. Den er gemt sikkert.
staff-waiting = { $count ->
    [one] { $count } session venter
   *[other] { $count } sessioner venter
}
staff-waiting-title = Afbrudte og ventende sessioner
staff-waiting-none = Ingen sessioner venter.
staff-resume = Fortsæt sessionen
staff-seal-abandoned = Afslut og forsegl
staff-seal-retry = Prøv at forsegle igen
staff-today = Dagens sessioner
staff-today-none = Ingen sessioner i dag.
staff-entry-started = startet { $when }
session-state-interrupted = afbrudt
session-state-waiting = venter på forsegling
session-state-abandoned = afsluttet før tid
session-state-timeout = tidsudløb
session-state-complete = gennemført
upload-waiting = i udbakken
upload-sent = sendt
id-error-empty = der er ikke tastet noget.
id-error-not-digits = kun cifre er tilladt.
id-error-length = nummeret skal have { $expected } cifre, ikke { $found }.
id-error-dash = bindestregen står forkert: skriv DDMMÅÅ-SSSS eller uden bindestreg.
id-error-date = de første seks cifre er ikke en rigtig fødselsdato (DDMMÅÅ).
id-error-century = løbenummeret (ciffer 7–9) passer ikke med fødselsåret.
id-error-control = kontrolcifrene passer ikke: sandsynligvis er et ciffer tastet forkert.
id-error-pattern = mønsteret for studie-id i konfigurationen er ugyldigt.
id-error-no-match = dette er ikke et studie-id af den form, studiet bruger.
staff-arm = Studiearm
staff-consent = Samtykke til studiet
staff-not-recorded = Ikke registreret
staff-consent-yes = Givet
staff-consent-no = Ikke givet
staff-upload-status = Upload: { $pending } venter{ $failing ->
        [0] {""}
       *[other] {" "}({ $failing } efter fejl)
    }, { $delivered } leveret, { $quarantined } i karantæne.
staff-upload-unauthorized = En modtager afviser kioskens adgang (token, certifikat eller adgangsnøgler): konfigurationen skal rettes.
staff-upload-last = Sidst leveret: { $when }.
staff-upload-never = Intet er leveret, siden kiosken startede.

## Unanswered questions and "prefer not to answer"
decline-item = Jeg vil ikke svare på det
unanswered-title = { $count ->
    [one] Ét spørgsmål her er ikke besvaret.
   *[other] { $count } spørgsmål her er ikke besvaret.
}
unanswered-required = { $count ->
    [one] Det skal besvares, før du kan gå videre.
   *[other] Nogle af dem skal besvares, før du kan gå videre.
}
unanswered-required-all = De skal alle besvares, før du kan gå videre.
unanswered-optional = { $count ->
    [one] Du kan svare på det nu eller gå videre uden.
   *[other] Du kan svare på dem nu eller gå videre uden.
}
unanswered-answer = { $count ->
    [one] Besvar det
   *[other] Besvar dem
}
unanswered-go-on = Gå videre uden
review-go-to-required = Skal besvares – gå til: { $question }
review-needed-for = { $label } (bruges til en score)
review-ask-staff = Bed personalet om hjælp

## svar preview: administratorens sidepanel ved siden af patientens skærmbilleder
preview-window-title = Svar forhåndsvisning: { $form }
preview-loads = Filen er gyldig. Gem den i redigeringsprogrammet for at se hver ændring her.
preview-broken = { $count ->
    [one] Filen har en fejl og indlæses ikke.
   *[other] Filen har { $count } fejl og indlæses ikke.
}
preview-showing-last = Viser den seneste version, der kunne indlæses, med svarene.
preview-never-loaded = Ret fejlene på listen, og gem filen: skemaet vises her, så snart det kan indlæses.
preview-problems = Fejl i filen
preview-no-problems = Ingen fejl.
preview-scores = Scorer
preview-no-value = ingen værdi endnu
preview-flag-attention = markeret til opmærksomhed
preview-flag-alert = markeret som advarsel
preview-flags-raised = Udløste advarsler
preview-no-flags = Ingen.
preview-questions = Spørgsmål
preview-required = skal besvares
preview-optional = valgfrit
preview-declinable = kan fravælges
preview-state-answered = besvaret
preview-state-declined = fravalgt
preview-state-unanswered = ubesvaret
preview-state-not-reached = ikke nået endnu
preview-state-hidden = skjult af en betingelse
preview-restart = Begynd forfra
preview-finished = Her afleverer patienten. Forhåndsvisningen gemmer intet og sender intet.
