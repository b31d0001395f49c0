//! Patient identifiers: Norwegian fødselsnummer, D-number, H-number and synthetic test numbers,
//! Danish CPR numbers, and study ids.
