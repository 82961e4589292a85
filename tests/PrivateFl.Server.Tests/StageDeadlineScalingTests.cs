using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests;

/// <summary>A round's stage deadline grows with its size (<see cref="RoundOptions.StageDeadlinePerClient"/>), on a fake clock.</summary>
public sealed class StageDeadlineScalingTests
{
    [Theory]
    [InlineData(30_000, 20, 3, 30_000)]
    [InlineData(30_000, 20, 1_500, 30_000)]
    [InlineData(30_000, 20, 2_000, 40_000)]
    [InlineData(30_000, 20, 4_000, 80_000)]
    [InlineData(30_000, 0, 100_000, 30_000)]
    [InlineData(30_000, 1_000, 100_000, 3_600_000)]
    public void StageDeadlineFor_IsTheLargerOfTheFixedAndThePerClientDeadline(int fixedMs, int perClientMs, int clients, int expectedMs)
    {
        var options = new RoundOptions { StageDeadline = TimeSpan.FromMilliseconds(fixedMs), StageDeadlinePerClient = TimeSpan.FromMilliseconds(perClientMs) };

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.StageDeadlineFor(clients));
    }

    [Fact]
    public void Validate_PerClientDeadlineOutOfRange_NamesTheSetting()
    {
        var validator = new RoundOptionsValidator();

        Assert.True(validator.Validate(null, new RoundOptions()).Succeeded);
        foreach (TimeSpan bad in new[] { TimeSpan.FromMilliseconds(-1), TimeSpan.FromSeconds(2) })
        {
            var result = validator.Validate(null, new RoundOptions { StageDeadlinePerClient = bad });
            Assert.True(result.Failed);
            Assert.Contains("RoundOptions:StageDeadlinePerClient", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StageDeadline_RoundLargerThanTheFixedDeadlineAllows_WaitsTheScaledDeadlineAndAnnouncesIt()
    {
        // 4 clients × 5 s = 20 s, above the fixture's fixed 10 s: a silent client is dropped at 20 s, not at 10 s.
        using var fixture = new CoordinatorFixture(clients: 4);
        fixture.Options.StageDeadlinePerClient = TimeSpan.FromSeconds(5);
        string[] ids = [.. fixture.ClientIds];
        Task<RoundOutcome?>[] answering = [.. ids[..3].Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25)))];
        Assert.Null(await fixture.RunClientAsync(ids[3], CoordinatorFixture.Delta(8, 0.25), stopBefore: RoundStage.MaskedInput));

        RoundDriver round = (await fixture.Coordinator.SessionAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Round!.Cohorts[0];
        Assert.Equal(TimeSpan.FromSeconds(20), round.StageDeadline);
        Assert.All(round.Tickets.Values, t => Assert.Equal(TimeSpan.FromSeconds(20), t.StageDeadline));
        await WaitUntilAsync(() => round.Round.Stage == RoundStage.MaskedInput && round.Round.ReceivedClients.Count == 3);

        fixture.Time.Advance(fixture.Options.StageDeadline);
        Assert.Equal(RoundStage.MaskedInput, round.Round.Stage);
        Assert.Equal(4, round.Round.AliveClients.Count);

        fixture.Time.Advance(TimeSpan.FromSeconds(20) - fixture.Options.StageDeadline);
        Assert.NotEqual(RoundStage.MaskedInput, round.Round.Stage);
        await fixture.AdvanceUntilAsync(Task.WhenAll(answering), TimeSpan.FromSeconds(1));
        Assert.All(await Task.WhenAll(answering), o => Assert.Equal(1, o!.ModelVersion));
        RoundRecordData record = Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal(RoundOutcomeKind.Completed, record.Outcome);
        Assert.Equal([ids[3]], record.Dropped);
    }

    // The in-process clients run on the thread pool; wait (bounded) until they have made their calls.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 3_000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
