using FsCheck;
using FsCheck.Xunit;

namespace PrivateFl.Simulation.Tests;

/// <summary>Issue 14: the chart's round axis has whole-number ticks only.</summary>
public sealed class ResultsChartTests
{
    [Property(MaxTest = 200)]
    public bool RoundTicks_AnyRoundCount_WholeRoundsFromOneWithinTheRunAtMostTwentyOne(PositiveInt rounds)
    {
        int last = Math.Min(rounds.Get, 100_000);
        IReadOnlyList<int> ticks = ResultsChart.RoundTicks(last);
        return ticks[0] == 1
            && ticks.All(t => t >= 1 && t <= last)
            && ticks.Zip(ticks.Skip(1), (a, b) => b - a).Distinct().Count() <= 1
            && ticks.Count <= 21
            && (last > 20 || ticks.Count == last);
    }

    [Fact]
    public void RoundTicks_Zero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("lastRound", () => ResultsChart.RoundTicks(0));
    }
}
