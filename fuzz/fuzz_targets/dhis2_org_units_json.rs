#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::dhis2_org_units_json(data));
