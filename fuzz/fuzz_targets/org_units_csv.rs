#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::org_units_csv(data));
