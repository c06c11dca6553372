package org.aepdsm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The obvious first: every bundle of the runtime resolves and starts. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundlesIT {
    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return RuntimeOptions.all();
    }

    @Test
    public void everyBundleIsActive() {
        Map<String, Integer> states = Arrays.stream(context.getBundles())
                .collect(Collectors.toMap(b -> String.valueOf(b.getSymbolicName()), Bundle::getState, (a, b) -> a));
        for (String bsn : RuntimeOptions.PROJECT_BUNDLES) {
            assertEquals(bsn + " state in " + states, Integer.valueOf(Bundle.ACTIVE), states.get(bsn));
        }
        for (Bundle b : context.getBundles()) {
            assertTrue(b.getSymbolicName() + " is " + b.getState(),
                    b.getState() == Bundle.ACTIVE || b.getHeaders().get("Fragment-Host") != null);
        }
    }
}
