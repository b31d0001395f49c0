# Svar kiosk interface text, Norwegian nynorsk. Form text comes from the form files.
# Every message here must exist in every locale (a test checks it).

demo-ribbon = DEMO – ikkje for pasientdata
## Welcome
welcome-logo = Svar-logoen
welcome-title = Velkomen
welcome-ask-staff = Be ein av dei tilsette om å starte spørjeskjemaet ditt.
welcome-start-demo = Start demoen

## Language choice
language-title = Vel språk
language-keep = Behald språket
language-hint = Du kan byte språk når som helst øvst på skjermen.

## Header (always at hand)
header-language = Språk
header-text-size = Tekststorleik
text-size-normal = Vanleg tekst
text-size-large = Stor tekst
text-size-largest = Største tekst
header-contrast = Høg kontrast
header-contrast-on = Høg kontrast på
header-contrast-off = Høg kontrast av

## Navigation
nav-back = Tilbake
nav-next = Neste
# The cue at the foot of a page that goes on below the screen; tapping it scrolls down.
more-below = Meir nedanfor
progress-question = Spørsmål { $current } av { $total }
progress-form = Del { $current } av { $total }

## Form intro
intro-questions = { $count ->
    [one] Denne delen har eitt spørsmål.
   *[other] Denne delen har { $count } spørsmål.
}
intro-questions-up-to = Denne delen har { $min } til { $max } spørsmål, etter kva du svarar.
intro-reading = { $count ->
    [one] Det er òg éi side å lese.
   *[other] Det er òg { $count } sider å lese.
}
intro-start = Start

## Answers
answer-yes = Ja
answer-no = Nei
answer-required = Vi treng eit svar på dette spørsmålet før du går vidare.
## Rating and slider
slider-not-set = Trykk på linja for å velje svaret ditt.
slider-value = Svaret ditt: { $value }

## Number keypad
keypad-range = Skriv inn eit tal frå { $min } til { $max }.
keypad-out-of-range = Talet må vere frå { $min } til { $max }.
keypad-decimals = { $decimals ->
    [0] Bruk berre heile tal, utan komma.
    [one] Bruk høgst eitt siffer etter komma.
   *[other] Bruk høgst { $decimals } siffer etter komma.
}
keypad-not-a-number = Det er ikkje eit tal. Prøv igjen.
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
    [one] Eitt teikn att.
   *[other] { $count } teikn att.
}
## Date entry
date-day = Dag
date-month = Månad
date-year = År
date-chosen = Vald dato: { $date }
date-not-chosen = Ingen dato er vald enno.
date-invalid = Den datoen finst ikkje. Sjekk dagen ein gong til.
date-out-of-range = Vel ein dato frå { $min } til { $max }.
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
body-map-hint = Trykk på områda der du har plager. Trykk ein gong til for å fjerne.
body-map-chosen = Du har valt: { $regions }
body-map-none = Ingen område er valde enno.

## Signature
signature-hint = Skriv under med fingeren i feltet nedanfor.
signature-pad = Felt for underskrift
signature-clear = Visk ut
signature-confirm = Stadfest underskrifta
signature-confirmed = Underskrifta di er lagra.
signature-empty = Skriv under i feltet først.

## Review and finish
review-title = Sjå over svara dine
review-missing = { $count ->
    [one] Eitt spørsmål manglar framleis svar.
   *[other] { $count } spørsmål manglar framleis svar.
}
review-complete = Alle spørsmåla er svara på.
review-complete-next = Trykk «{ review-finish }» for å levere svara. Vil du endre eit svar, trykk «{ nav-back }».
review-go-to = Gå til: { $question }
review-finish = Eg er ferdig
finish-title = Er du ferdig?
finish-body = Når du har sendt svara, kan du ikkje endre dei lenger.
finish-confirm = Ja, send svara mine
finish-cancel = Nei, gå tilbake
# The idle time-out paused a session staff started: nothing of the patient is shown.
paused-title = Spør personalet om å halde fram
paused-body = Skjermen har ikkje vore brukt på ei stund, så økta er sett på pause. Svara dine er lagra. Personalet kan la deg halde fram der du slapp.
paused-asked-body = Svara dine er lagra. Personalet kjem og hjelper deg, og du kan halde fram der du slapp.
thanks-title = Tusen takk!
thanks-body = Svara dine er lagra. No kan du gi skjermen tilbake til dei tilsette.

## Idle time-out
idle-title = Er du framleis her?
idle-body = { $seconds ->
    [one] Av omsyn til personvernet ditt blir spørjeskjemaet lukka om eitt sekund.
   *[other] Av omsyn til personvernet ditt blir spørjeskjemaet lukka om { $seconds } sekund.
}
idle-continue = Ja, eg er her framleis

## Staff mode (behind the PIN)
demo-ribbon-pin = DEMO – ikkje for pasientdata · PIN for tilsette { $pin }
staff-open = Tilsette
staff-pin-title = PIN for tilsette
staff-pin-field = PIN
staff-pin-enter = Opne
staff-pin-checking = Sjekkar PIN …
staff-pin-wrong = { $count ->
    [one] Feil PIN. Eitt forsøk til før tastaturet blir låst i fem minutt.
   *[other] Feil PIN. { $count } forsøk til før tastaturet blir låst i fem minutt.
}
staff-pin-locked = For mange feil PIN. Prøv igjen om { $seconds } sekund.
staff-menu-title = Tilsette
staff-language = Språk i tilsettmodus
staff-new-session = Start ei økt for ein pasient
staff-last-result = Resultat frå siste økt
staff-leave = Avslutt kioskmodus
staff-close = Tilbake til velkomstskjermen
staff-id-type = Type ID
id-type-norwegian = Fødselsnummer eller D-nummer
id-type-cpr = CPR-nummer
id-type-study = Studie-ID
staff-patient-id = ID-en til pasienten
staff-id-invalid = Denne ID-en er ikkje gyldig: { $reason }
staff-battery = Skjemasett
staff-timepoint = Tidspunkt
timepoint-baseline = Oppstart
timepoint-month-6 = 6 månader
timepoint-month-12 = 12 månader
timepoint-screening = Screening
staff-hand-over = Gi skjermen til pasienten
staff-ended = Avslutta
staff-summary-none = Inga økt er avslutta sidan tilsette sist logga inn.
staff-summary-waiting = Skårane blir viste her når økta er forsegla.
staff-patient-consent-yes = Samtykke til studien: ja
staff-patient-consent-no = Samtykke til studien: nei (skjemaa som berre er for studien, vart hoppa over)
staff-form-skipped = { $form }: hoppa over (berre for studien)
staff-declined = Ønskte ikkje å svare på: { $question }
staff-form-complete = { $form } ({ $answered } av { $asked } svara)
staff-no-value = ingen verdi (for få svar)
staff-flag = Merk: { $flag }

welcome-staff-attention = Til dei tilsette: noko ventar i personalmodus.
session-not-saved = Svaret ditt er ikkje lagra enno. Be ein av dei tilsette om hjelp.
staff-problem-disk-full = Disken er full: svara kan ikkje lagrast. Frigjer plass; økta vert halden til det går.
staff-problem-store = Den lokale lagringa verkar ikkje. Økta vert halden i minnet til det går.
staff-problem-outbox = Kan ikkje skrive til utboksen (full disk eller ikkje skrivbar). Økta er trygt lagra og vert forsegla når det går.
staff-problem-seal = Ei økt kunne ikkje forseglast. Ho er trygt lagra.
staff-waiting = { $count ->
    [one] { $count } økt ventar
   *[other] { $count } økter ventar
}
staff-waiting-title = Avbrotne og ventande økter
staff-waiting-none = Ingen økter ventar.
staff-resume = Hald fram med økta
staff-seal-abandoned = Avslutt og forsegl
staff-seal-retry = Prøv å forsegle igjen
staff-today = Økter i dag
staff-today-none = Ingen økter i dag.
staff-entry-started = starta { $when }
session-state-interrupted = avbroten
session-state-waiting = ventar på forsegling
session-state-abandoned = avslutta før tida
session-state-timeout = tidsavbrot
session-state-complete = fullført
upload-waiting = i utboksen
upload-sent = sendt
id-error-empty = ingenting er tasta inn.
id-error-not-digits = berre siffer er tillatne.
id-error-length = nummeret skal ha { $expected } siffer, ikkje { $found }.
id-error-dash = bindestreken står feil: skriv DDMMÅÅ-SSSS eller utan bindestrek.
id-error-date = dei seks første siffera er ikkje ein verkeleg fødselsdato (DDMMÅÅ).
id-error-century = individnummeret (siffer 7–9) passar ikkje med fødselsåret.
id-error-control = kontrollsiffera stemmer ikkje: truleg er eit siffer tasta feil.
id-error-pattern = mønsteret for studie-ID i konfigurasjonen er ugyldig.
id-error-no-match = dette er ikkje ein studie-ID av den forma studien brukar.
staff-arm = Studiearm
staff-consent = Samtykke til studien
staff-not-recorded = Ikkje registrert
staff-consent-yes = Gitt
staff-consent-no = Ikkje gitt
staff-upload-status = Opplasting: { $pending } ventar{ $failing ->
        [0] {""}
       *[other] {" "}({ $failing } etter feil)
    }, { $delivered } levert, { $quarantined } i karantene.
staff-upload-unauthorized = Eit mottak avviser tilgangen til kiosken (token, sertifikat eller tilgangsnøklar): konfigurasjonen må rettast.
staff-upload-last = Sist levert: { $when }.
staff-upload-never = Ingenting er levert sidan kiosken starta.

## Unanswered questions and "prefer not to answer"
decline-item = Eg vil ikkje svare på dette
unanswered-title = { $count ->
    [one] Eitt spørsmål her er ikkje svara på.
   *[other] { $count } spørsmål her er ikkje svara på.
}
unanswered-required = { $count ->
    [one] Du må svare på det før du kan gå vidare.
   *[other] Nokre av dei må du svare på før du kan gå vidare.
}
unanswered-required-all = Du må svare på alle før du kan gå vidare.
unanswered-optional = { $count ->
    [one] Du kan svare på det no, eller gå vidare utan.
   *[other] Du kan svare på dei no, eller gå vidare utan.
}
unanswered-answer = { $count ->
    [one] Svar på det
   *[other] Svar på dei
}
unanswered-go-on = Gå vidare utan
review-go-to-required = Må svarast på – gå til: { $question }
review-needed-for = { $label } (trengst for ein poengsum)
review-ask-staff = Be dei tilsette om hjelp

## svar preview: sidepanelet til administratoren ved sida av skjermbileta til pasienten
preview-window-title = Svar førehandsvising: { $form }
preview-loads = Fila er gyldig. Lagre ho i redigeringsprogrammet for å sjå kvar endring her.
preview-broken = { $count ->
    [one] Fila har ein feil og blir ikkje lasta.
   *[other] Fila har { $count } feil og blir ikkje lasta.
}
preview-showing-last = Viser den siste versjonen som let seg laste, med svara.
preview-never-loaded = Rett feila i lista og lagre fila: skjemaet blir vist her så snart det blir lasta.
preview-problems = Feil i fila
preview-no-problems = Ingen feil.
preview-scores = Skårar
preview-no-value = ingen verdi enno
preview-flag-attention = merkt for merksemd
preview-flag-alert = merkt som varsel
preview-flags-raised = Varsel som er utløyste
preview-no-flags = Ingen.
preview-questions = Spørsmål
preview-required = må svarast på
preview-optional = valfritt
preview-declinable = kan avstå
preview-state-answered = svart på
preview-state-declined = avstått
preview-state-unanswered = ikkje svart på
preview-state-not-reached = ikkje nådd enno
preview-state-hidden = skjult av eit vilkår
preview-restart = Byrj på nytt
preview-finished = Her leverer pasienten. Førehandsvisinga tek ikkje vare på noko og sender ingenting.
