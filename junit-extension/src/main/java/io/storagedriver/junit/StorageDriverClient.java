package io.storagedriver.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field, or a parameter, that receives a driver started by {@link WithStorageDriver}.
 *
 * <p>The field's type must be {@link io.storagedriver.StorageDriver} or {@link
 * io.storagedriver.client.DriverClient}, and it must not be final. A static field is set before
 * the class's {@code @BeforeAll} methods run and holds the per-class driver. An instance field is
 * set before each test's {@code @BeforeEach} methods run, so it can hold a per-class or a
 * per-method driver. Fields are cleared when their driver stops.
 *
 * <p>Parameters of those two types receive the driver with the empty id without this annotation,
 * and use it only to select another id.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StorageDriverClient {

    /** The {@link WithStorageDriver#id()} of the driver to inject. */
    String id() default "";
}
