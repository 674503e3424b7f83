package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.Test;

/**
 * The build compiles Chronicle's {@code VanillaGlobalMutableState$$Native} into the engine's classes
 * ({@code engine/src/build/PrecompileChronicleValues.java}); without it every start compiles that class with
 * javac at the first map it opens (about a second). Chronicle looks it up by name on the interface's class loader.
 */
class PrecompiledChronicleValuesTest {
    private static final String NATIVE = "net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native";

    @Test
    void theMapHeaderClassIsOnTheClassPathAsAClassFile() throws Exception {
        Class<?> valueType = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState");
        URL file = valueType.getClassLoader().getResource(NATIVE.replace('.', '/') + ".class");
        assertNotNull(file, "the build step did not compile " + NATIVE + " into the classes");
        Class<?> compiled = valueType.getClassLoader().loadClass(NATIVE);
        assertTrue(valueType.isAssignableFrom(compiled), NATIVE + " implements the interface of this Chronicle version");
    }
}
