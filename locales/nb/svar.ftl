# Svar kiosk interface text, Norwegian bokmål. Form text comes from the form files.
# Every message here must exist in every locale (a test checks it).

demo-ribbon = DEMO – ikke for pasientdata
## Welcome
welcome-logo = Svar-logoen
welcome-title = Velkommen
welcome-ask-staff = Be en av de ansatte om å starte spørreskjemaet ditt.
welcome-start-demo = Start demoen

## Language choice
language-title = Velg språk
language-keep = Behold språket
language-hint = Du kan bytte språk når som helst øverst på skjermen.

## Header (always at hand)
header-language = Språk
header-text-size = Tekststørrelse
text-size-normal = Vanlig tekst
text-size-large = Stor tekst
text-size-largest = Største tekst
header-contrast = Høy kontrast
header-contrast-on = Høy kontrast på
header-contrast-off = Høy kontrast av

## Navigation
nav-back = Tilbake
nav-next = Neste
# The cue at the foot of a page that goes on below the screen; tapping it scrolls down.
more-below = Mer nedenfor
progress-question = Spørsmål { $current } av { $total }
progress-form = Del { $current } av { $total }

## Form intro
intro-questions = { $count ->
    [one] Denne delen har ett spørsmål.
   *[other] Denne delen har { $count } spørsmål.
}
intro-questions-up-to = Denne delen har { $min } til { $max } spørsmål, etter hva du svarer.
intro-reading = { $count ->
    [one] Det er også én side å lese.
   *[other] Det er også { $count } sider å lese.
}
intro-start = Start

## Answers
answer-yes = Ja
answer-no = Nei
answer-required = Vi trenger et svar på dette spørsmålet før du går videre.
## Rating and slider
slider-not-set = Trykk på linjen for å velge svaret ditt.
slider-value = Svaret ditt: { $value }

## Number keypad
keypad-range = Skriv inn et tall fra { $min } til { $max }.
keypad-out-of-range = Tallet må være fra { $min } til { $max }.
keypad-decimals = { $decimals ->
    [0] Bruk bare hele tall, uten komma.
    [one] Bruk høyst ett siffer etter komma.
   *[other] Bruk høyst { $decimals } siffer etter komma.
}
keypad-not-a-number = Det er ikke et tall. Prøv igjen.
keypad-comma = Desimalkomma
keypad-delete = Slett
keypad-clear = Tøm

## On-screen keyboard
# The letter keys, row by row, in this language's keyboard order.
keyboard-letters = qwertyuiopå asdfghjkløæ zxcvbnmäöüé
keyboard-space = Mellomrom
keyboard-shift = Skift
keyboard-delete = Slett
keyboard-characters-left = { $count ->
    [one] Ett tegn igjen.
   *[other] { $count } tegn igjen.
}
## Date entry
date-day = Dag
date-month = Måned
date-year = År
date-chosen = Valgt dato: { $date }
date-not-chosen = Ingen dato er valgt ennå.
date-invalid = Den datoen finnes ikke. Sjekk dagen en gang til.
date-out-of-range = Velg en dato fra { $min } til { $max }.
month-1 = januar
month-2 = februar
month-3 = mars
month-4 = april
month-5 = mai
month-6 = juni
month-7 = juli
month-8 = august
month-9 = september
month-10 = oktober
month-11 = november
month-12 = desember

## Body map
body-map-hint = Trykk på områdene der du har plager. Trykk en gang til for å fjerne.
body-map-chosen = Du har valgt: { $regions }
body-map-none = Ingen områder er valgt ennå.

## Signature
signature-hint = Skriv under med fingeren i feltet nedenfor.
signature-pad = Felt for underskrift
signature-clear = Visk ut
signature-confirm = Bekreft underskriften
signature-confirmed = Underskriften din er lagret.
signature-empty = Skriv under i feltet først.

## Review and finish
review-title = Se over svarene dine
review-missing = { $count ->
    [one] Ett spørsmål mangler fortsatt svar.
   *[other] { $count } spørsmål mangler fortsatt svar.
}
review-complete = Alle spørsmålene er besvart.
review-complete-next = Trykk «{ review-finish }» for å levere svarene. Vil du endre et svar, trykk «{ nav-back }».
review-go-to = Gå til: { $question }
review-finish = Jeg er ferdig
finish-title = Er du ferdig?
finish-body = Når du har sendt svarene, kan du ikke endre dem lenger.
finish-confirm = Ja, send svarene mine
finish-cancel = Nei, gå tilbake
# The idle time-out paused a session staff started: nothing of the patient is shown.
paused-title = Spør personalet om å fortsette
paused-body = Skjermen har ikke vært brukt på en stund, så økten er satt på pause. Svarene dine er lagret. Personalet kan la deg fortsette der du slapp.
paused-asked-body = Svarene dine er lagret. Personalet kommer og hjelper deg, og du kan fortsette der du slapp.
thanks-title = Tusen takk!
thanks-body = Svarene dine er lagret. Nå kan du gi skjermen tilbake til de ansatte.

## Idle time-out
idle-title = Er du fortsatt her?
idle-body = { $seconds ->
    [one] Av hensyn til personvernet ditt lukkes spørreskjemaet om ett sekund.
   *[other] Av hensyn til personvernet ditt lukkes spørreskjemaet om { $seconds } sekunder.
}
idle-continue = Ja, jeg er fortsatt her

## Staff mode (behind the PIN)
demo-ribbon-pin = DEMO – ikke for pasientdata · PIN for ansatte { $pin }
staff-open = Ansatte
staff-pin-title = PIN for ansatte
staff-pin-field = PIN
staff-pin-enter = Åpne
staff-pin-checking = Sjekker PIN …
staff-pin-wrong = { $count ->
    [one] Feil PIN. Ett forsøk til før tastaturet låses i fem minutter.
   *[other] Feil PIN. { $count } forsøk til før tastaturet låses i fem minutter.
}
staff-pin-locked = For mange feil PIN. Prøv igjen om { $seconds } sekunder.
staff-menu-title = Ansatte
staff-language = Språk i ansattmodus
staff-new-session = Start en økt for en pasient
staff-last-result = Resultat fra siste økt
staff-leave = Avslutt kioskmodus
staff-close = Tilbake til velkomstskjermen
staff-id-type = Type ID
id-type-norwegian = Fødselsnummer eller D-nummer
id-type-cpr = CPR-nummer
id-type-study = Studie-ID
staff-patient-id = Pasientens ID
staff-id-invalid = Denne ID-en er ikke gyldig: { $reason }
staff-battery = Skjemasett
staff-timepoint = Tidspunkt
timepoint-baseline = Oppstart
timepoint-month-6 = 6 måneder
timepoint-month-12 = 12 måneder
timepoint-screening = Screening
staff-hand-over = Gi skjermen til pasienten
staff-ended = Avsluttet
staff-summary-none = Ingen økt er avsluttet siden ansatte sist logget inn.
staff-summary-waiting = Skårene vises her når økten er forseglet.
staff-patient-consent-yes = Samtykke til studien: ja
staff-patient-consent-no = Samtykke til studien: nei (skjemaene som bare er for studien, ble hoppet over)
staff-form-skipped = { $form }: hoppet over (bare for studien)
staff-declined = Ønsket ikke å svare på: { $question }
staff-form-complete = { $form } ({ $answered } av { $asked } besvart)
staff-no-value = ingen verdi (for få svar)
staff-flag = Obs: { $flag }

welcome-staff-attention = Til de ansatte: noe venter i personalmodus.
session-not-saved = Svaret ditt er ikke lagret ennå. Be en av de ansatte om hjelp.
staff-problem-disk-full = Disken er full: svarene kan ikke lagres. Frigjør plass; økten beholdes til det går.
staff-problem-store = Den lokale lagringen virker ikke. Økten beholdes i minnet til det går.
staff-problem-outbox = Kan ikke skrive til utboksen (full disk eller ikke skrivbar). Økten er trygt lagret og forsegles når det går.
staff-problem-seal = En økt kunne ikke forsegles. Den er trygt lagret.
staff-waiting = { $count ->
    [one] { $count } økt venter
   *[other] { $count } økter venter
}
staff-waiting-title = Avbrutte og ventende økter
staff-waiting-none = Ingen økter venter.
staff-resume = Fortsett økten
staff-seal-abandoned = Avslutt og forsegl
staff-seal-retry = Prøv å forsegle igjen
staff-today = Dagens økter
staff-today-none = Ingen økter i dag.
staff-entry-started = startet { $when }
session-state-interrupted = avbrutt
session-state-waiting = venter på forsegling
session-state-abandoned = avsluttet før tiden
session-state-timeout = tidsavbrudd
session-state-complete = fullført
upload-waiting = i utboksen
upload-sent = sendt
id-error-empty = ingenting er tastet inn.
id-error-not-digits = bare sifre er tillatt.
id-error-length = nummeret skal ha { $expected } sifre, ikke { $found }.
id-error-dash = bindestreken står feil: skriv DDMMÅÅ-SSSS eller uten bindestrek.
id-error-date = de seks første sifrene er ikke en ekte fødselsdato (DDMMÅÅ).
id-error-century = individnummeret (siffer 7–9) passer ikke med fødselsåret.
id-error-control = kontrollsifrene stemmer ikke: trolig er et siffer tastet feil.
id-error-pattern = mønsteret for studie-ID i konfigurasjonen er ugyldig.
id-error-no-match = dette er ikke en studie-ID av den formen studien bruker.
staff-arm = Studiearm
staff-consent = Samtykke til studien
staff-not-recorded = Ikke registrert
staff-consent-yes = Gitt
staff-consent-no = Ikke gitt
staff-upload-status = Opplasting: { $pending } venter{ $failing ->
        [0] {""}
       *[other] {" "}({ $failing } etter feil)
    }, { $delivered } levert, { $quarantined } i karantene.
staff-upload-unauthorized = Et mottak avviser kioskens tilgang (token, sertifikat eller tilgangsnøkler): konfigurasjonen må rettes.
staff-upload-last = Sist levert: { $when }.
staff-upload-never = Ingenting er levert siden kiosken startet.

## Unanswered questions and "prefer not to answer"
decline-item = Jeg vil ikke svare på dette
unanswered-title = { $count ->
    [one] Ett spørsmål her er ikke besvart.
   *[other] { $count } spørsmål her er ikke besvart.
}
unanswered-required = { $count ->
    [one] Det må besvares før du kan gå videre.
   *[other] Noen av dem må besvares før du kan gå videre.
}
unanswered-required-all = Alle må besvares før du kan gå videre.
unanswered-optional = { $count ->
    [one] Du kan svare på det nå, eller gå videre uten.
   *[other] Du kan svare på dem nå, eller gå videre uten.
}
unanswered-answer = { $count ->
    [one] Svar på det
   *[other] Svar på dem
}
unanswered-go-on = Gå videre uten
review-go-to-required = Må besvares – gå til: { $question }
review-needed-for = { $label } (trengs for en poengsum)
review-ask-staff = Be de ansatte om hjelp

## svar preview: administratorens sidepanel ved siden av pasientens skjermbilder
preview-window-title = Svar forhåndsvisning: { $form }
preview-loads = Filen er gyldig. Lagre den i redigeringsprogrammet for å se hver endring her.
preview-broken = { $count ->
    [one] Filen har en feil og lastes ikke.
   *[other] Filen har { $count } feil og lastes ikke.
}
preview-showing-last = Viser den siste versjonen som lot seg laste, med svarene.
preview-never-loaded = Rett feilene i listen og lagre filen: skjemaet vises her så snart det lastes.
preview-problems = Feil i filen
preview-no-problems = Ingen feil.
preview-scores = Skårer
preview-no-value = ingen verdi ennå
preview-flag-attention = merket for oppmerksomhet
preview-flag-alert = merket som varsel
preview-flags-raised = Varsler som er utløst
preview-no-flags = Ingen.
preview-questions = Spørsmål
preview-required = må besvares
preview-optional = valgfritt
preview-declinable = kan avstås
preview-state-answered = besvart
preview-state-declined = avstått
preview-state-unanswered = ubesvart
preview-state-not-reached = ikke nådd ennå
preview-state-hidden = skjult av en betingelse
preview-restart = Begynn på nytt
preview-finished = Her leverer pasienten. Forhåndsvisningen tar ikke vare på noe og sender ingenting.
