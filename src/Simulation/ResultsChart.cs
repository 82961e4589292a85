using ScottPlot;

namespace PrivateFl.Simulation;

/// <summary>Draws test AUC and ε spent per round, with the centralised baseline as a reference line (ScottPlot).</summary>
internal static class ResultsChart
{
    public static void Save(string path, IReadOnlyList<RoundRow> rows, double centralised)
    {
        RoundRow[] completed = [.. rows.Where(r => r.Outcome == Protocol.V1.RoundOutcome.Completed)];
        double[] rounds = [.. completed.Select(r => (double)r.Round)];
        var plot = new Plot();
        plot.Title("PrivateFl demo: federated test ROC AUC and privacy spent per round");
        var auc = plot.Add.Scatter(rounds, [.. completed.Select(r => r.Auc)]);
        auc.LegendText = "Federated model, test ROC AUC";
        auc.LineWidth = 2;
        var baseline = plot.Add.HorizontalLine(centralised);
        baseline.LegendText = $"Centralised non-private baseline ({centralised:F3})";
        baseline.LinePattern = LinePattern.Dashed;
        if (completed.All(r => double.IsFinite(r.Epsilon)))
        {
            var epsilon = plot.Add.Scatter(rounds, [.. completed.Select(r => r.Epsilon)]);
            epsilon.LegendText = "ε spent (right axis)";
            epsilon.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "ε spent";
        }

        plot.Axes.Bottom.Label.Text = "Round";
        plot.Axes.Left.Label.Text = "Test ROC AUC";
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1000, 560);
    }
}
