package org.aepdsm.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BackendChoiceTest {
    @Test
    void theSelectedBackendWinsWhenPresent() {
        assertEquals(Optional.of("native"), BackendChoice.activeFor("native", Set.of("sim", "native")));
        assertEquals(Optional.of("sim"), BackendChoice.activeFor("sim", Set.of("sim", "native")));
    }

    @Test
    void aMissingSelectionFallsBackToSimThenToTheFirstById() {
        assertEquals(Optional.of("sim"), BackendChoice.activeFor("native", Set.of("sim")));
        assertEquals(Optional.of("native"), BackendChoice.activeFor("sim", Set.of("native")));
        assertEquals(Optional.of("alpha"), BackendChoice.activeFor("sim", List.of("zeta", "alpha")));
    }

    @Test
    void noBackendMeansNoneActive() {
        assertEquals(Optional.empty(), BackendChoice.activeFor("sim", Set.of()));
    }

    @Test
    void configurationPidsFollowTheBundleNames() {
        assertEquals("org.aepdsm.backend.native", BackendChoice.pidOf("native"));
    }
}
