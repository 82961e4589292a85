using PrivateFl.Cli.Internal;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Tests;

/// <summary>How <c>session show</c> words a session's cohort settings.</summary>
public sealed class SessionTextTests
{
    [Theory]
    [InlineData(1, "up to 200 banks per cohort, at least 50; at least 1 cohort per round")]
    [InlineData(3, "up to 200 banks per cohort, at least 50; at least 3 cohorts per round")]
    public void Cohorts_MinimumCohorts_IsCountedInWords(int minimumCohorts, string expected) =>
        Assert.Equal(expected, SessionText.Cohorts(new SessionInfo { Cohorts = new CohortSettings { CohortSize = 200, MinimumCohortSize = 50, MinimumCohorts = (uint)minimumCohorts } }));

    [Fact]
    public void Cohorts_NotSet_IsOneCohortPerRound() =>
        Assert.Equal("one cohort per round", SessionText.Cohorts(new SessionInfo()));
}
