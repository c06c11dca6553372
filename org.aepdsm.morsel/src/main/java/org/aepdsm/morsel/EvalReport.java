package org.aepdsm.morsel;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The text table and the PNG chart of a {@link MorselEvaluation}. Stateless; thread-safe.
 *
 * <p>The chart is drawn with XChart (embedded in this bundle) into an off-screen image, so it needs
 * no display: {@code java.awt.headless} is set before any AWT class loads.
 */
public final class EvalReport {
    private EvalReport() {
    }

    /** The side-by-side table, the headline line and the reading notes. */
    public static String table(String backendId, List<MorselEvaluation.Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("morsel evaluation on backend ").append(backendId)
                .append(": map = into an empty space, transfer = to a second space (map there, unmap here)\n");
        b.append(String.format(Locale.ROOT, "%-10s %-6s %6s | %9s %7s %11s %12s | %10s %7s %11s %12s | %7s %7s"
                + " | %8s %8s | %7s %7s%n", "size", "frames", "subtr", "m.entries", "m.ptp", "m.map", "m.transfer",
                "p.entries", "p.ptp", "p.map", "p.transfer", "ent.red", "time.red", "ept.lazy", "ept.eager",
                "mv.red", "mvt.red"));
        for (MorselEvaluation.Row r : rows) {
            if (r.skipped() != null) {
                b.append(String.format(Locale.ROOT, "%-10s skipped: %s%n", ByteSize.format(r.size()), r.skipped()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-10s %-6s %6d | %9d %7d %11s %12s | %10d %7d %11s %12s | %6.2f%%"
                    + " %6.2f%% | %8d %8d | %6.2f%% %6.2f%%%n", ByteSize.format(r.size()),
                    r.sparse() ? "sparse" : "pool", r.subtrees(), r.morselMapEntries(), r.morselTablePages(),
                    time(r.morselMapNs()), time(r.morselTransferNs()), r.pageMapEntries(), r.pageMapTables(),
                    time(r.pageMapNs()), time(r.pageTransferNs()), r.entryReduction(), r.timeReduction(),
                    r.eptLazy(), r.eptEager(), r.transferEntryReduction(), r.transferTimeReduction()));
        }
        for (MorselEvaluation.Row r : rows) {
            if (r.skipped() == null && r.size() == MorselEvaluation.HEADLINE_BYTES) {
                b.append(String.format(Locale.ROOT, "headline (paper: 6.82 GiB model, up to 99.8%% less mapping time):"
                        + " %s mapped into a second address space: %d entries instead of %d (%.2f%% fewer), %s instead"
                        + " of %s (%.2f%% less time); transfer %.2f%% less time%n", ByteSize.format(r.size()),
                        r.morselMapEntries(), r.pageMapEntries(), r.entryReduction(), time(r.morselMapNs()),
                        time(r.pageMapNs()), r.timeReduction(), r.transferTimeReduction()));
            }
        }
        b.append("m. = morsel (link one entry per 1 GiB / 2 MiB subtree), p. = page by page (one leaf per 4 KiB page");
        b.append(" in the destination's tables; native: mmap MAP_POPULATE); ptp = page-table pages used (morsel:");
        b.append(" its own tables plus the destination's new ones); red = reduction against page by page;");
        b.append(" mv = transfer; ept.lazy = EPT entries built on faults for 8 MiB sequential + 1024 random pages");
        b.append(" (seed ").append(MorselEvaluation.SEED).append("), ept.eager = entries of a full copy");
        if (rows.stream().anyMatch(r -> r.skipped() == null && r.systemCallsMorsel() > 0)) {
            b.append("; native entries count the kernel PTEs MAP_POPULATE fills (a plain mmap fills none until touch)");
        }
        b.append('\n');
        return b.toString();
    }

    /**
     * Writes a PNG with two log-log panels: entries written per map and time per map, morsel against
     * page by page.
     */
    public static Path chart(String backendId, List<MorselEvaluation.Row> rows, Path file) {
        System.setProperty("java.awt.headless", "true");
        List<Double> x = new ArrayList<>();
        List<Double> me = new ArrayList<>();
        List<Double> pe = new ArrayList<>();
        List<Double> mt = new ArrayList<>();
        List<Double> pt = new ArrayList<>();
        List<Double> mv = new ArrayList<>();
        List<Double> pv = new ArrayList<>();
        for (MorselEvaluation.Row r : rows) {
            if (r.skipped() != null) {
                continue;
            }
            x.add(r.size() / (double) (1 << 20));
            me.add((double) Math.max(1, r.morselMapEntries()));
            pe.add((double) Math.max(1, r.pageMapEntries()));
            mt.add(Math.max(1, r.morselMapNs()) / 1000.0);
            pt.add(Math.max(1, r.pageMapNs()) / 1000.0);
            mv.add(Math.max(1, r.morselTransferNs()) / 1000.0);
            pv.add(Math.max(1, r.pageTransferNs()) / 1000.0);
        }
        if (x.isEmpty()) {
            throw new AepException(Errno.EINVAL, "no measured size to chart");
        }
        XYChart entries = panel("Page-table entries written per map (" + backendId + ")", "entries");
        entries.addSeries("morsel (link subtrees)", x, me);
        entries.addSeries("page by page", x, pe);
        XYChart time = panel("Time per map and transfer (" + backendId + ")", "microseconds");
        time.addSeries("morsel map", x, mt);
        time.addSeries("page-by-page map", x, pt);
        time.addSeries("morsel transfer", x, mv);
        time.addSeries("page-by-page transfer", x, pv);
        int w = 800;
        int h = 600;
        BufferedImage image = new BufferedImage(2 * w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 2 * w, h);
            entries.paint(g, w, h);
            g.translate(w, 0);
            time.paint(g, w, h);
        } finally {
            g.dispose();
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot write the chart to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static XYChart panel(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle("object size (MiB)")
                .yAxisTitle(yTitle).build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }

    /** A duration for people. */
    static String time(long nanos) {
        if (nanos < 10_000) {
            return nanos + " ns";
        }
        if (nanos < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        if (nanos < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
