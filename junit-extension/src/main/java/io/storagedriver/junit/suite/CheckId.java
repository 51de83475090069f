package io.storagedriver.junit.suite;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stable identifier of one compatibility check, such as {@code content.empty-round-trip}. It
 * starts the check's display name and stays the same when the method is renamed or moved, so
 * reports and exclusion lists can refer to it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CheckId {

    /** The identifier: a group, a dot and a name of lower-case words joined by dashes. */
    String value();
}
