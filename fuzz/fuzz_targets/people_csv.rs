#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::people_csv(data));
