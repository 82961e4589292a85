using Google.Rpc;
using Grpc.Core;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Tests;

/// <summary>What WaitForRound returns in every case specs/api.md names: a round, a second or cancelled wait, an ended session.</summary>
public sealed class WaitForRoundTests
{
    [Fact]
    public async Task WaitForRound_SameClientWaitsAgain_SecondRefusedAndFirstKeepsWaiting()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        Task<RoundTicket> first = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", fixture.Definition.SchemaHash, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<CoordinatorException>(async () => await fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", fixture.Definition.SchemaHash, CancellationToken.None));
        Assert.Equal((CoordinatorErrorKind.AlreadyWaiting, ErrorReasons.WaitAlreadyPending), (refused.Kind, refused.Reason));
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public async Task WaitForRound_CancelledWait_IsForgottenAndNotCountedTowardTheMinimum()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        using var cancel = new CancellationTokenSource();
        Task<RoundTicket> cancelled = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", fixture.Definition.SchemaHash, cancel.Token);
        await cancel.CancelAsync();
        Task<RoundTicket>[] others = [.. new[] { "bank-02", "bank-03" }.Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None))];

        fixture.Time.Advance(fixture.Options.GatherWindow * 3);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.All(others, w => Assert.False(w.IsCompleted));
        Task<RoundTicket> again = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", fixture.Definition.SchemaHash, CancellationToken.None);
        fixture.Time.Advance(fixture.Options.GatherWindow);
        RoundTicket[] tickets = await Task.WhenAll([again, .. others]);
        Assert.Equal([1, 2, 3], tickets.Select(t => t.Index).Order());
    }

    [Fact]
    public async Task WaitForRound_SessionCompletesWhileWaiting_FailedPreconditionSessionCompleted()
    {
        // Three may join a round; the fourth waits for a next round that never comes.
        using var fixture = new CoordinatorFixture(clients: 4, totalRounds: 1, maximumClients: 3);
        string[] ids = [.. fixture.ClientIds];
        // The third waiting client opens the round at once (maximum reached), so the fourth waits for the next one.
        Task<RoundOutcome?>[] clients = [.. ids[..3].Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25)))];
        Task<RoundTicket> waiting = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, ids[3], fixture.Definition.SchemaHash, CancellationToken.None);

        await fixture.AdvanceUntilAsync(Task.WhenAll(clients), TimeSpan.FromSeconds(1));

        Assert.All(await Task.WhenAll(clients), o => Assert.Equal(1, o!.ModelVersion));
        var ended = await Assert.ThrowsAsync<CoordinatorException>(() => waiting);
        Assert.Equal((CoordinatorErrorKind.FailedPrecondition, ErrorReasons.SessionCompleted), (ended.Kind, ended.Reason));
        var late = await Assert.ThrowsAsync<CoordinatorException>(() => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, ids[3], fixture.Definition.SchemaHash, CancellationToken.None));
        Assert.Equal(ErrorReasons.SessionCompleted, late.Reason);
    }

    [Fact]
    public async Task WaitForRound_Announcements_CarryVersionZeroForTheInitialModelThenTheRoundsModel()
    {
        using var fixture = new CoordinatorFixture(clients: 3, totalRounds: 2);
        RoundTicket first = await OpenRoundAsync(fixture);
        Assert.Equal((1L, 0L, 0L), (first.RoundNumber, first.Model.Version, first.Model.RoundNumber));

        Task<RoundOutcome?>[] clients = [.. fixture.ClientIds.Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25)))];
        await fixture.AdvanceUntilAsync(Task.WhenAll(clients), TimeSpan.FromSeconds(1));
        RoundTicket second = await OpenRoundAsync(fixture);

        Assert.Equal((2L, 1L, 1L), (second.RoundNumber, second.Model.Version, second.Model.RoundNumber));
    }

    [Fact]
    public async Task Guard_RefusalWithReason_CarriesErrorInfoInTheStatusDetails()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => RpcErrors.Guard<int>(() => throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, "done") { Reason = ErrorReasons.SessionCompleted }));

        ErrorInfo? info = ex.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal((ErrorReasons.SessionCompleted, "privatefl.v1"), (info?.Reason, info?.Domain));
    }

    private static async Task<RoundTicket> OpenRoundAsync(CoordinatorFixture fixture)
    {
        // The round including bank-01 is the one every waiting client's ticket describes; the others' tickets are discarded.
        Task<RoundTicket>[] waits = [.. fixture.ClientIds.Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None))];
        fixture.Time.Advance(fixture.Options.GatherWindow);
        return (await Task.WhenAll(waits))[0];
    }
}
