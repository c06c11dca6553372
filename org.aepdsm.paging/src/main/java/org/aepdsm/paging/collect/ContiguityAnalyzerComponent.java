package org.aepdsm.paging.collect;

import org.aepdsm.api.paging.ContiguityAnalyzer;
import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.PageMap;
import org.osgi.service.component.annotations.Component;

/**
 * Registers {@link PageCollect} as the {@link ContiguityAnalyzer} service. Stateless and thread-safe.
 */
@Component(service = ContiguityAnalyzer.class)
public final class ContiguityAnalyzerComponent implements ContiguityAnalyzer {
    private final PageCollect analyzer = new PageCollect();

    @Override
    public ContiguityReport analyze(PageMap map) {
        return analyzer.analyze(map);
    }

    @Override
    public PageMap readProcess(long pid) {
        return analyzer.readProcess(pid);
    }

    @Override
    public String format(ContiguityReport report) {
        return analyzer.format(report);
    }
}
