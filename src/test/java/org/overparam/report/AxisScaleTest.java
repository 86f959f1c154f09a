package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.style.Styler.LegendPosition;

/** Tick labels, the choice between XChart's log axis and log10 data, and where the legend goes. */
class AxisScaleTest {
    @Test
    void wholeExponentsAreWrittenAsPowersOfTenWithSuperscripts() {
        assertThat(AxisScale.exponentLabel(0.0)).isEqualTo("1");
        assertThat(AxisScale.exponentLabel(1.0)).isEqualTo("10");
        assertThat(AxisScale.exponentLabel(2.0)).isEqualTo("10²");
        assertThat(AxisScale.exponentLabel(-3.0)).isEqualTo("10⁻³");
        assertThat(AxisScale.exponentLabel(-40.0)).isEqualTo("10⁻⁴⁰");
        assertThat(AxisScale.exponentLabel(-0.5)).isEqualTo("0.32");
    }

    @Test
    void linearLabelsUseOneFormPerAxisAndEnoughDigitsForTheSpan() {
        AxisScale fraction = AxisScale.of(false, 0, 0.2);
        assertThat(fraction.linearLabel(0.08)).isEqualTo("0.08");
        assertThat(fraction.linearLabel(0.30000000000000004)).isEqualTo("0.3");
        assertThat(fraction.linearLabel(1e-18)).isEqualTo("0");

        AxisScale iterations = AxisScale.of(false, 0, 10000);
        assertThat(iterations.linearLabel(10000.0)).as("no grouping separator").isEqualTo("10000");

        AxisScale plateau = AxisScale.of(false, 0.49999999, 0.50000001);
        assertThat(plateau.linearLabel(0.500000005)).isEqualTo("0.500000005");

        AxisScale small = AxisScale.of(false, 0, 2e-4);
        assertThat(small.linearLabel(1.5e-4)).isEqualTo("1.5×10⁻⁴");
        assertThat(small.linearLabel(5e-5)).isEqualTo("5×10⁻⁵");

        AxisScale large = AxisScale.of(false, 0, 9e7);
        assertThat(large.linearLabel(8e7)).isEqualTo("8×10⁷");
    }

    @Test
    void logAxesOverManyDecadesAreDrawnAsLog10DataAndNarrowOnesByXChart() {
        AxisScale wide = AxisScale.of(true, 1e-12, 1);
        assertThat(wide.transformed()).isTrue();
        assertThat(wide.map(1e-3)).isEqualTo(-3.0, org.assertj.core.data.Offset.offset(1e-12));

        AxisScale narrow = AxisScale.of(true, 0.2, 0.7);
        assertThat(narrow.transformed()).isFalse();
        assertThat(narrow.map(0.5)).isEqualTo(0.5);

        assertThat(AxisScale.of(false, 1e-12, 1).transformed()).isFalse();
    }

    @Test
    void theLegendGoesToTheCornerTheCurvesLeaveEmpty() {
        int n = 100;
        double[] x = new double[n];
        double[] rising = new double[n];
        double[] falling = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            rising[i] = Math.sqrt(i);
            falling[i] = 10 - Math.sqrt(i);
        }
        PlotData.Points up = PlotData.clean(x, rising, false, false);
        PlotData.Points down = PlotData.clean(x, falling, false, false);
        // A rising concave curve fills the upper right and lower left; the upper left stays empty.
        assertThat(PlotData.legendCorner(List.of(up), List.of(true), false, false, 0.3, 0.2))
                .isEqualTo(LegendPosition.InsideNW);
        // A falling convex curve leaves the upper right empty, the preferred corner.
        assertThat(PlotData.legendCorner(List.of(down), List.of(true), false, false, 0.3, 0.2))
                .isEqualTo(LegendPosition.InsideNE);
        // Both together leave no inside corner free.
        double[] flat = new double[n];
        java.util.Arrays.fill(flat, 5);
        PlotData.Points mid = PlotData.clean(x, flat, false, false);
        assertThat(PlotData.legendCorner(List.of(up, down, mid), List.of(true, true, true), false, false, 0.45, 0.45))
                .isEqualTo(LegendPosition.OutsideE);
        // A series of one point in the otherwise empty upper right (the worst-case labels' only nonzero coordinate,
        // at lambda_min): the legend goes to another corner rather than hide it.
        PlotData.Points lonely = PlotData.clean(new double[] {n - 1}, new double[] {9.9}, false, false);
        assertThat(PlotData.legendCorner(List.of(down, lonely), List.of(true, false), false, false, 0.3, 0.2))
                .isNotEqualTo(LegendPosition.InsideNE);
    }
}
