using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="RoundDriver"/>: stage deadlines on a fake clock, typed stage results, and the m-survivor rule.</summary>
public sealed class RoundDriverTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly Lock _gate = new();
    private readonly List<AggregationResult> _released = [];
    private readonly List<string> _aborts = [];
    private readonly List<ClientSession> _clients = [];
    private Func<AggregationResult, RoundOutcome>? _release;

    [Fact]
    public async Task Deadline_OneClientSilent_ClosesExactlyAtTheDeadlineWithTheAliveSet()
    {
        using RoundDriver driver = NewRound(clients: 4);
        Advertise(driver, 1, 2, 3);

        _time.Advance(Deadline - TimeSpan.FromTicks(1));
        Assert.Equal(RoundStage.AdvertiseKeys, driver.Round.Stage);
        Assert.False(driver.KeyDirectories.IsCompleted);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(RoundStage.ShareKeys, driver.Round.Stage);
        Assert.Equal([1, 2, 3], (await driver.KeyDirectories).Keys.Order());
        Assert.Equal([1, 2, 3], driver.Round.AliveClients.Order());
        var timing = Assert.Single(driver.Timings);
        Assert.Equal((nameof(RoundStage.AdvertiseKeys), Deadline.TotalMilliseconds, 3), (timing.Stage, timing.Milliseconds, timing.AliveAfter));
    }

    [Fact]
    public void Accept_EveryClientAnswered_ClosesAtOnceAndArmsAFreshDeadline()
    {
        using RoundDriver driver = NewRound(clients: 3);
        _time.Advance(Deadline / 2);

        Advertise(driver, 1, 2, 3);

        Assert.Equal(RoundStage.ShareKeys, driver.Round.Stage);
        Assert.Equal(Deadline.TotalMilliseconds / 2, Assert.Single(driver.Timings).Milliseconds);

        // The old deadline is void: the new stage has its full deadline from the moment it opened.
        _time.Advance(Deadline - TimeSpan.FromTicks(1));
        Assert.Equal(RoundStage.ShareKeys, driver.Round.Stage);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.NotEqual(RoundStage.ShareKeys, driver.Round.Stage);
        Assert.Equal(nameof(RoundStage.ShareKeys), driver.Timings[^1].Stage);
    }

    [Fact]
    public async Task Unmask_AllClientsThrough_ReleasesThePlainSumOnceAndPublishesTheOutcome()
    {
        using RoundDriver driver = NewRound(clients: 4);
        uint[][] inputs = Inputs(4);

        RunToUnmask(driver, inputs, survivors: [1, 2, 3, 4]);

        AggregationResult released = Assert.Single(_released);
        Assert.Equal(PlainSum(inputs), released.Sum.ToArray());
        Assert.True(driver.UnmaskResult.IsCompletedSuccessfully);
        UnmaskReply reply = await driver.UnmaskResult;
        Assert.Null(reply.Expulsion);
        Assert.Equal(4, reply.Outcome!.Included.Count);
        Assert.Empty(_aborts);
        Assert.Equal(RoundStage.Completed, driver.Round.Stage);
    }

    [Fact]
    public void MaskedInput_FewerSurvivorsThanM_AbortsWithoutReleasing()
    {
        using RoundDriver driver = NewRound(clients: 4, minimumSurvivors: 4);
        uint[][] inputs = Inputs(4);
        Advertise(driver, 1, 2, 3, 4);
        Share(driver, 1, 2, 3, 4);
        Mask(driver, inputs, 1, 2, 3);

        _time.Advance(Deadline);

        Assert.Contains("at least m = 4", Assert.Single(_aborts), StringComparison.Ordinal);
        Assert.Empty(_released);
        Assert.Equal(RoundStage.Aborted, driver.Round.Stage);
        Assert.Equal((nameof(RoundStage.MaskedInput), 0), (driver.Timings[^1].Stage, driver.Timings[^1].AliveAfter));
        Assert.True(driver.Survivors.IsFaulted);
        Assert.IsType<CoordinatorException>(driver.Survivors.Exception!.InnerException);
        Assert.True(driver.UnmaskResult.IsFaulted);
    }

    [Fact]
    public void Release_OwnerThrows_RoundAbortsNamingTheStage()
    {
        _release = _ => throw new InvalidOperationException("store down");
        using RoundDriver driver = NewRound(clients: 3);

        RunToUnmask(driver, Inputs(3), survivors: [1, 2, 3]);

        Assert.Equal("the Unmask stage could not be closed (InvalidOperationException).", Assert.Single(_aborts));
        Assert.True(driver.UnmaskResult.IsFaulted);
        Assert.True(driver.ExpelResult.IsFaulted);
    }

    [Fact]
    public void Accept_NotAParticipant_PermissionDenied()
    {
        using RoundDriver driver = NewRound(clients: 3);

        lock (_gate)
        {
            var ex = Assert.Throws<CoordinatorException>(() => driver.Accept("stranger", RoundStage.AdvertiseKeys, (_, _) => { }));
            Assert.Equal((CoordinatorErrorKind.PermissionDenied, ErrorReasons.NotRoundParticipant), (ex.Kind, ex.Reason));
        }
    }

    public void Dispose()
    {
        foreach (ClientSession client in _clients)
        {
            client.Dispose();
        }
    }

    private RoundDriver NewRound(int clients, int minimumSurvivors = 0)
    {
        SessionDefinition definition = TestSessions.Definition(maximumClients: clients);
        SecAggParameters parameters = TrainingCoordinator.CreateParameters(definition, clients, new RoundIdentity(definition.SessionId, 1, RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize)));
        string[] ids = [.. Enumerable.Range(1, clients).Select(i => $"bank-{i}")];
        var tickets = Enumerable.Range(1, clients).ToDictionary(i => i, i => TestSessions.Ticket(definition, i, clients));
        var setup = new RoundSetup(definition.SessionId, 1, new AggregationRound(parameters), ids, tickets, Deadline, minimumSurvivors);
        for (int i = 1; i <= clients; i++)
        {
            _clients.Add(new ClientSession(parameters, i));
        }

        var driver = new RoundDriver(
            setup,
            _gate,
            _time,
            NullLogger.Instance,
            (round, result) =>
            {
                _released.Add(result);
                return Task.FromResult(_release?.Invoke(result) ?? new RoundOutcome(round.Number, 1, result.IncludedClients, 0));
            },
            (round, reason) =>
            {
                _aborts.Add(reason);
                round.FailRemaining(new CoordinatorException(CoordinatorErrorKind.Aborted, reason));
            });
        lock (_gate)
        {
            driver.Start();
        }

        return driver;
    }

    private void Advertise(RoundDriver driver, params int[] indices) =>
        Each(driver, RoundStage.AdvertiseKeys, indices, i => (r, _) => r.AcceptAdvertiseKeys(_clients[i - 1].AdvertiseKeys()));

    private void Share(RoundDriver driver, params int[] indices) =>
        Each(driver, RoundStage.ShareKeys, indices, i => (r, _) => r.AcceptShareKeys(_clients[i - 1].ShareKeys(driver.KeyDirectories.Result[i])));

    private void Mask(RoundDriver driver, uint[][] inputs, params int[] indices) =>
        Each(driver, RoundStage.MaskedInput, indices, i => (r, _) => r.AcceptMaskedInput(_clients[i - 1].MaskInput(driver.ShareDeliveries.Result[i], inputs[i - 1])));

    private void RunToUnmask(RoundDriver driver, uint[][] inputs, int[] survivors)
    {
        int[] all = [.. Enumerable.Range(1, inputs.Length)];
        Advertise(driver, all);
        Share(driver, all);
        Mask(driver, inputs, survivors);
        Each(driver, RoundStage.Unmask, survivors, i => (r, _) => r.AcceptUnmask(_clients[i - 1].Unmask(driver.Survivors.Result)));
    }

    private void Each(RoundDriver driver, RoundStage stage, int[] indices, Func<int, Action<AggregationRound, int>> accept)
    {
        foreach (int i in indices)
        {
            lock (_gate)
            {
                Assert.Equal(i, driver.Accept($"bank-{i}", stage, accept(i)));
            }
        }
    }

    private static uint[][] Inputs(int clients) =>
        [.. Enumerable.Range(0, clients).Select(_ => Enumerable.Range(0, 8).Select(_ => (uint)RandomNumberGenerator.GetInt32(int.MaxValue) * 2u).ToArray())];

    private static uint[] PlainSum(uint[][] inputs)
    {
        uint[] sum = new uint[inputs[0].Length];
        foreach (uint[] input in inputs)
        {
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] = unchecked(sum[j] + input[j]);
            }
        }

        return sum;
    }
}
