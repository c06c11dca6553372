package org.aepdsm.bench.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * A bar chart of one figure across ours and the peers, written as PNG with XChart (headless).
 *
 * <p>Stateless.
 */
final class ChartWriter {
    private ChartWriter() {
    }

    /**
     * @param a {@code <png path> <title> <y-axis title> (<label> <value>)...}
     */
    static void write(String[] a) throws IOException {
        String png = a[0];
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 3; i + 1 < a.length; i += 2) {
            labels.add(a[i]);
            values.add(Double.parseDouble(a[i + 1]));
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(520).title(a[1]).yAxisTitle(a[2])
                .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0.##");
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setXAxisLabelRotation(labels.size() > 3 ? 20 : 0);
        chart.addSeries(a[2], labels, values);
        BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
    }
}
