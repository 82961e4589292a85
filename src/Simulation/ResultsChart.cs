using ScottPlot;
using ScottPlot.TickGenerators;

namespace PrivateFl.Simulation;

/// <summary>
/// Draws the demo's chart (ScottPlot): the federated model's test ROC AUC per round against the centralised baseline
/// and each bank trained alone (the banks' range as a band, their mean as a line), the ε spent per round against the
/// budget on the right axis, and the rounds in which banks dropped out or that aborted.
/// </summary>
internal static class ResultsChart
{
    public static void Save(string path, IReadOnlyList<RoundRow> rows, double centralised, IReadOnlyList<double> alone, double? epsilonBudget)
    {
        RoundRow[] completed = [.. rows.Where(r => r.Outcome == Protocol.V1.RoundOutcome.Completed)];
        double[] rounds = [.. completed.Select(r => (double)r.Round)];
        int lastRound = rows.Count == 0 ? 1 : (int)rows.Max(r => r.Round);
        var plot = new Plot();
        plot.Title("PrivateFl demo: test ROC AUC and ε spent per round");

        var band = plot.Add.VerticalSpan(alone.Min(), alone.Max());
        band.LegendText = $"Each bank alone, range ({alone.Min():F3} to {alone.Max():F3})";
        band.FillStyle.Color = Colors.Gray.WithAlpha(0.15);
        band.LineStyle.Width = 0;
        var aloneMean = plot.Add.HorizontalLine(alone.Average());
        aloneMean.LegendText = $"Each bank alone, mean ({alone.Average():F3})";
        aloneMean.Color = Colors.Gray;
        aloneMean.LinePattern = LinePattern.Dotted;
        var baseline = plot.Add.HorizontalLine(centralised);
        baseline.LegendText = $"Centralised, all rows pooled ({centralised:F3})";
        baseline.Color = Colors.DarkOrange;
        baseline.LinePattern = LinePattern.Dashed;

        var auc = plot.Add.Scatter(rounds, [.. completed.Select(r => r.Auc)]);
        auc.LegendText = "Federated model";
        auc.LineWidth = 2;
        auc.Color = Colors.SteelBlue;

        // Rounds with dropouts or an abort: one legend entry each, whatever the number of rounds.
        MarkRounds(plot, rows.Where(r => r.Outcome == Protocol.V1.RoundOutcome.Completed && r.Dropped > 0), Colors.Purple, "Round with dropouts (completed without them)");
        MarkRounds(plot, rows.Where(r => r.Outcome != Protocol.V1.RoundOutcome.Completed), Colors.Red, "Round aborted");

        if (epsilonBudget is { } budget && completed.All(r => double.IsFinite(r.Epsilon)))
        {
            var epsilon = plot.Add.Scatter(rounds, [.. completed.Select(r => r.Epsilon)]);
            epsilon.LegendText = "ε spent (right axis)";
            epsilon.Color = Colors.SeaGreen;
            epsilon.Axes.YAxis = plot.Axes.Right;
            var limit = plot.Add.HorizontalLine(budget);
            limit.LegendText = $"ε budget, {budget:G3} (right axis)";
            limit.Color = Colors.SeaGreen;
            limit.LinePattern = LinePattern.Dashed;
            limit.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "ε spent";
            // Headroom above the budget keeps its line clear of the AUC baselines near the top of the left axis.
            plot.Axes.SetLimitsY(0, budget * 1.3, plot.Axes.Right);
        }

        var ticks = new NumericManual();
        foreach (int round in RoundTicks(lastRound))
        {
            ticks.AddMajor(round, round.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(0.5, lastRound + 0.5);
        plot.Axes.Bottom.Label.Text = "Round";
        plot.Axes.Left.Label.Text = "Test ROC AUC";
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 1000, 640);
    }

    /// <summary>Where the round axis has ticks: whole rounds only (ScottPlot's own ticks fall on 1.5, 2.5, …), every round up to 20, then every k-th.</summary>
    internal static IReadOnlyList<int> RoundTicks(int lastRound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lastRound);
        int step = (int)Math.Ceiling(lastRound / 20.0);
        return [.. Enumerable.Range(0, ((lastRound - 1) / step) + 1).Select(i => 1 + (i * step))];
    }

    private static void MarkRounds(Plot plot, IEnumerable<RoundRow> rounds, Color color, string legend)
    {
        bool first = true;
        foreach (RoundRow row in rounds)
        {
            var line = plot.Add.VerticalLine(row.Round);
            line.Color = color.WithAlpha(0.8);
            line.LinePattern = LinePattern.Dotted;
            line.LineWidth = 2;
            line.LegendText = first ? legend : string.Empty;
            first = false;
        }
    }
}
