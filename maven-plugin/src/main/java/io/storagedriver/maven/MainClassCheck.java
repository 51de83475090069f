package io.storagedriver.maven;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks, before a Java driver is launched, that its main class is on the given classpath and has
 * a {@code public static void main(String[])}. The class is loaded in a throwaway class loader
 * over that classpath whose parent is the platform class loader, so neither Maven's nor the
 * plugin's classes can hide a missing dependency. The class is not initialized, so none of its
 * code runs.
 */
final class MainClassCheck {
    private MainClassCheck() {}

    static void check(String mainClass, List<Path> classpath) throws CannotRunException {
        URL[] urls = new URL[classpath.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = classpath.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new CannotRunException("Invalid classpath entry " + classpath.get(i), e);
            }
        }
        try (URLClassLoader loader = new URLClassLoader("storagedriver-driver-classpath", urls,
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type = Class.forName(mainClass, false, loader);
            Method main = type.getMethod("main", String[].class);
            if (!Modifier.isStatic(main.getModifiers())) {
                throw new CannotRunException("Driver main class " + mainClass + " has a main"
                        + " method that is not static. Declare public static void main(String[]).");
            }
        } catch (ClassNotFoundException e) {
            throw new CannotRunException("Driver main class " + mainClass + " was not found on"
                    + " the classpath " + classpath + ". Check storagedriver.mainClass, and run"
                    + " the goal after the project is compiled (the verify phase, or mvn compile"
                    + " first).", e);
        } catch (NoSuchMethodException e) {
            throw new CannotRunException("Driver main class " + mainClass + " has no public"
                    + " main(String[]) method.", e);
        } catch (LinkageError e) {
            throw new CannotRunException("Driver main class " + mainClass + " could not be"
                    + " loaded from the classpath " + classpath + ": " + e + ". A class it needs"
                    + " is probably missing: add the dependency that contains it.", e);
        } catch (IOException e) {
            // Only closing the loader failed, after the check had passed.
        }
    }
}
