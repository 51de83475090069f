/**
 * A JUnit Jupiter extension that starts storage drivers as child processes for tests.
 *
 * <p>Annotate a test class or method with {@link io.storagedriver.junit.WithStorageDriver}, and
 * take the driver as a {@link io.storagedriver.StorageDriver} or {@link
 * io.storagedriver.client.DriverClient} parameter, or in a field annotated with {@link
 * io.storagedriver.junit.StorageDriverClient}. The configuration parameters in {@link
 * io.storagedriver.junit.StorageDriverConfiguration} choose the driver without changing the
 * source.
 */
package io.storagedriver.junit;
