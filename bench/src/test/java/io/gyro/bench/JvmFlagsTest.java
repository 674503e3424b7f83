package io.gyro.bench;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The JMH fork flags are the root POM's {@code gyro.jvm.flags} (passed in by surefire). */
class JvmFlagsTest {
    @Test
    void forkFlagsAreThePomProperty() {
        String pom = System.getProperty("gyro.jvm.flags");
        assertNotNull(pom, "surefire passes -Dgyro.jvm.flags (bench/pom.xml)");
        List<String> expected = Arrays.asList(pom.trim().split("\\s+"));
        assertEquals(expected, JvmFlags.GYRO, "bench JvmFlags drifted from the root POM property gyro.jvm.flags");
    }
}
