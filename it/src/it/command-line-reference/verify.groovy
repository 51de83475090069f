def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Tests run:')

// Maven turns ${env:SD_IT_ROOT} into the text null before the goal sees it; the goal reads the
// property as typed, so the filesystem driver creates the folder the variable names.
assert new File(basedir, 'target/root-from-command-line').isDirectory()
assert !new File(basedir, 'null').exists()
