/**
 * The compatibility suite: JUnit Jupiter test classes that check a storage driver against the
 * storage API, listed in {@link io.storagedriver.junit.suite.CompatibilitySuite}.
 *
 * <p>A driver author runs it in one of two ways. The first is to extend each check class and
 * annotate the subclass, or an enclosing class of {@code @Nested} subclasses, with {@link
 * io.storagedriver.junit.WithStorageDriver}:
 *
 * <pre>{@code
 * @WithStorageDriver(executable = "target/registry-storagedriver-s3",
 *         parameters = {"bucket=ci", "secretkey=${env:S3_SECRET}"})
 * class S3DriverCompatibilityTest {
 *     @Nested
 *     class Content extends ContentChecks {}
 *
 *     @Nested
 *     class Streams extends StreamChecks {}
 * }
 * }</pre>
 *
 * <p>The second is to select the check classes with a JUnit Platform launcher and name the
 * driver with the configuration parameters of {@link
 * io.storagedriver.junit.StorageDriverConfiguration}, for example {@code
 * storagedriver.name=s3} and {@code storagedriver.parameters=bucket=ci}.
 *
 * <p>Tags: {@code large} for the checks that move hundreds of MiB, {@code concurrency} for the
 * concurrent ones, and {@code benchmark} for the benchmarks, which also need {@code
 * storagedriver.benchmarks=true}. A tag expression such as {@code !large} leaves a group out.
 */
package io.storagedriver.junit.suite;
