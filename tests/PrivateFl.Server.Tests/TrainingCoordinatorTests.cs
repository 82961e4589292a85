using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests;

/// <summary>The coordinator's stage deadlines and round lifecycle, on a fake clock (no real waiting).</summary>
public sealed class TrainingCoordinatorTests
{
    [Fact]
    public async Task WaitForRound_MinimumReached_OpensOnlyWhenTheGatherWindowPasses()
    {
        // Four may join; three is the minimum, so the coordinator waits out the window for the fourth.
        using var fixture = new CoordinatorFixture(clients: 4);
        Task<RoundTicket>[] waits = [.. fixture.ClientIds.Take(3).Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None))];

        fixture.Time.Advance(fixture.Options.GatherWindow - TimeSpan.FromMilliseconds(1));
        Assert.All(waits, w => Assert.False(w.IsCompleted));

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        RoundTicket[] tickets = await Task.WhenAll(waits);
        Assert.Equal([1, 2, 3], tickets.Select(t => t.Index).Order());
        Assert.All(tickets, t => Assert.Equal(1, t.RoundNumber));
    }

    [Fact]
    public async Task StageDeadline_ClientSilentAfterShareKeys_IsDroppedAndRoundCompletesWithoutIt()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        string[] ids = [.. fixture.ClientIds];
        Task<RoundOutcome?>[] clients =
        [
            .. ids[..3].Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25))),
            fixture.RunClientAsync(ids[3], CoordinatorFixture.Delta(8, 0.25), stopBefore: RoundStage.MaskedInput),
        ];

        await fixture.AdvanceUntilAsync(Task.WhenAll(clients), TimeSpan.FromSeconds(1));

        RoundOutcome?[] outcomes = await Task.WhenAll(clients);
        Assert.All(outcomes[..3], o => Assert.Equal(1, o!.ModelVersion));
        RoundRecordData record = Assert.Single(fixture.Store.ListRounds(CoordinatorFixture.SessionId));
        Assert.Equal(RoundRecordData.Completed, record.Outcome);
        Assert.Equal(ids[..3], record.Included);
        Assert.Equal([ids[3]], record.Dropped);
        Assert.All(fixture.Store.LatestModel(CoordinatorFixture.SessionId).Weights, w => Assert.Equal(0.25, w, 3));
    }

    [Fact]
    public async Task StageDeadline_TooManySilent_AbortsAndKeepsTheModel()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        string[] ids = [.. fixture.ClientIds];
        Task<RoundOutcome?>[] clients =
        [
            fixture.RunClientAsync(ids[0], CoordinatorFixture.Delta(8, 0.5)),
            .. ids[1..].Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.5), stopBefore: RoundStage.MaskedInput)),
        ];

        await fixture.AdvanceUntilAsync(Task.WhenAll(clients.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default))), TimeSpan.FromSeconds(1));

        var aborted = await Assert.ThrowsAsync<CoordinatorException>(() => clients[0]);
        Assert.Equal((CoordinatorErrorKind.Aborted, ErrorReasons.RoundAborted), (aborted.Kind, aborted.Reason));
        Assert.Contains("model stays at version 0", aborted.Message, StringComparison.Ordinal);
        RoundRecordData record = Assert.Single(fixture.Store.ListRounds(CoordinatorFixture.SessionId));
        Assert.Equal(RoundRecordData.Aborted, record.Outcome);
        Assert.Equal(0, fixture.Store.LatestModel(CoordinatorFixture.SessionId).Version);
        Assert.Empty(fixture.Store.ListLedger(CoordinatorFixture.SessionId));
    }

    [Fact]
    public async Task Stage_AllClientsAnswer_ClosesWithoutWaitingForTheDeadline()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        Task<RoundOutcome?>[] clients = [.. fixture.ClientIds.Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, -0.125)))];

        // Only the gather window elapses; every stage then closes as soon as all three have answered.
        await fixture.AdvanceUntilAsync(Task.WhenAll(clients), fixture.Options.GatherWindow, maxSteps: 1);
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(await Task.WhenAll(clients), o => Assert.Equal(1, o!.ModelVersion));
        Assert.All(Assert.Single(fixture.Store.ListRounds(CoordinatorFixture.SessionId)).Stages, s => Assert.True(s.Milliseconds < fixture.Options.StageDeadline.TotalMilliseconds));
    }

    [Fact]
    public async Task Rounds_RunToTheSessionsTotal_ThenTheSessionRefusesMore()
    {
        using var fixture = new CoordinatorFixture(clients: 3, totalRounds: 2);
        for (int round = 1; round <= 2; round++)
        {
            Task<RoundOutcome?>[] clients = [.. fixture.ClientIds.Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.1)))];
            await fixture.AdvanceUntilAsync(Task.WhenAll(clients), TimeSpan.FromSeconds(1));
            Assert.All(await Task.WhenAll(clients), o => Assert.Equal(round, o!.ModelVersion));
        }

        var ended = await Assert.ThrowsAsync<CoordinatorException>(() => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", fixture.Definition.SchemaHash, CancellationToken.None));
        Assert.Equal((CoordinatorErrorKind.FailedPrecondition, ErrorReasons.SessionCompleted), (ended.Kind, ended.Reason));
        Assert.Equal(StoredSession.Completed, fixture.Store.FindSession(CoordinatorFixture.SessionId)!.State);
        Assert.Equal(2, fixture.Store.ListLedger(CoordinatorFixture.SessionId).Count);
    }

    [Fact]
    public async Task ActiveMode_ClientsSignSurvivors_RoundCompletes()
    {
        using var fixture = new CoordinatorFixture(clients: 4, mode: SecAggMode.Active);
        Task<RoundOutcome?>[] clients = [.. fixture.ClientIds.Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.5)))];

        await fixture.AdvanceUntilAsync(Task.WhenAll(clients), TimeSpan.FromSeconds(1));

        Assert.All(await Task.WhenAll(clients), o => Assert.Equal(4, o!.Included.Count));
    }

    [Fact]
    public async Task WaitForRound_WrongSchemaHash_RefusedNamingBothSchemas()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        var ex = await Assert.ThrowsAsync<CoordinatorException>(() => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, "bank-01", new string('b', 64), CancellationToken.None));

        Assert.Equal(CoordinatorErrorKind.FailedPrecondition, ex.Kind);
        Assert.Contains("test-schema", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_Unknown_NotFound()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        Assert.Equal(CoordinatorErrorKind.NotFound, Assert.Throws<CoordinatorException>(() => fixture.Coordinator.Session("nope")).Kind);
    }
}
