use super::*;

#[test]
fn linear_scale_maps_and_inverts() {
    let s = LinearScale::new((0.0, 100.0), (200.0, 0.0));
    assert_eq!(s.map(0.0), 200.0);
    assert_eq!(s.map(50.0), 100.0);
    assert_eq!(s.invert(100.0), 50.0);
    // Flat and non-finite domains still produce a usable scale.
    let flat = LinearScale::new((5.0, 5.0), (0.0, 10.0));
    assert!(flat.map(5.0).is_finite());
    assert_eq!(LinearScale::new((f64::NAN, 1.0), (0.0, 1.0)).d0, 0.0);
}

#[test]
fn nice_ticks_are_round() {
    assert_eq!(
        nice_ticks(0.0, 100.0, 5),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(nice_ticks(0.0, 1.0, 4), vec![0.0, 0.5, 1.0]);
    assert_eq!(
        nice_ticks(0.1, 0.35, 5),
        vec![0.1, 0.15, 0.2, 0.25, 0.3, 0.35]
    );
    assert_eq!(nice_ticks(3.0, 3.0, 5), vec![3.0]);
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
    let t = nice_ticks(-812.0, 7_900_000_000.0, 5);
    assert!(t.len() >= 3 && t.len() <= 10);
}

#[test]
fn time_ticks_fall_on_round_minutes() {
    let t0 = 1_707_901_230_000; // 09:00:30
    let t = time_ticks(t0, t0 + 3_600_000, 6);
    assert!(t.iter().all(|x| x % 600_000 == 0 || x % 900_000 == 0));
    assert!(t[0] >= t0);
    assert_eq!(format_tick_time(1_707_901_200_000, 3_600_000, 0), "09:00");
    assert_eq!(format_tick_time(1_707_901_215_000, 60_000, 0), "09:00:15");
    assert_eq!(
        format_tick_time(1_707_901_200_000, 7 * 86_400_000, 0),
        "02-14"
    );
    assert!(time_ticks(5, 5, 3).is_empty());
}

#[test]
fn line_paths_break_on_gaps() {
    let x = LinearScale::new((0.0, 2.0), (0.0, 200.0));
    let y = LinearScale::new((0.0, 10.0), (100.0, 0.0));
    let d = line_path(
        &[(0.0, 0.0), (1.0, 10.0), (2.0, f64::NAN), (3.0, 5.0)],
        &x,
        &y,
    );
    assert_eq!(d, "M0.0,100.0L100.0,0.0M300.0,50.0");
    assert_eq!(line_path(&[], &x, &y), "");
}

#[test]
fn bars_sit_on_the_baseline() {
    let x = LinearScale::new((0.0, 4.0), (0.0, 400.0));
    let y = LinearScale::new((0.0, 10.0), (100.0, 0.0));
    let b = bars(&[(1.0, 5.0), (2.0, f64::INFINITY)], &x, &y, 2.0);
    assert_eq!(b.len(), 1);
    let (bx, by, bw, bh) = b[0];
    assert_eq!((by, bh), (50.0, 50.0));
    assert!((bx + bw / 2.0 - 100.0).abs() < 1e-9);
}
