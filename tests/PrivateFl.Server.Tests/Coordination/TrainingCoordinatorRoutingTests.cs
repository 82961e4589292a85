using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary>What the coordinator itself decides when it routes a call to the session's lobby or round (specs/api.md, WaitForRound).</summary>
public sealed class TrainingCoordinatorRoutingTests
{
    [Fact]
    public async Task WaitForRound_AgainWhileTheRoundIsAtAdvertiseKeys_GetsTheSameAnnouncementThenWaitsForTheNext()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        RoundTicket[] tickets = await Task.WhenAll(fixture.ClientIds.Select(Wait));

        RoundTicket again = await Wait("bank-02");
        Assert.Same(tickets[1], again);

        // Once every bank has advertised, the round is past AdvertiseKeys: a new call waits for the next round.
        string[] ids = [.. fixture.ClientIds];
        ClientSession[] sessions = [.. tickets.Select(t => new ClientSession(t.Parameters, t.Index))];
        try
        {
            await Task.WhenAll(tickets.Select((t, i) => fixture.Coordinator.AdvertiseKeysAsync(CoordinatorFixture.SessionId, 1, ids[i], sessions[i].AdvertiseKeys(), CancellationToken.None)));
        }
        finally
        {
            Array.ForEach(sessions, s => s.Dispose());
        }

        using var cancel = new CancellationTokenSource();
        Task<RoundTicket> next = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-02", fixture.Definition.SchemaHash, cancel.Token);
        Assert.False(next.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);

        Task<RoundTicket> Wait(string id)
        {
            Task<RoundTicket> wait = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None);
            fixture.Time.Advance(fixture.Options.GatherWindow);
            return wait;
        }
    }

    [Fact]
    public async Task StageCall_RoundNotInProgress_FailedPrecondition()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        var ex = await Assert.ThrowsAsync<CoordinatorException>(() => fixture.Coordinator.ShareKeysAsync(CoordinatorFixture.SessionId, 7, "bank-01", [], CancellationToken.None));

        Assert.Equal((CoordinatorErrorKind.FailedPrecondition, ErrorReasons.RoundNotInProgress), (ex.Kind, ex.Reason));
        Assert.Contains("Round 7", ex.Message, StringComparison.Ordinal);
    }
}
