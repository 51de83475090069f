package io.storagedriver.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/** Container of repeated {@link WithStorageDriver} annotations, one per driver id. */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(StorageDriverExtension.class)
public @interface WithStorageDrivers {

    /** The drivers, each with a distinct id. */
    WithStorageDriver[] value();
}
