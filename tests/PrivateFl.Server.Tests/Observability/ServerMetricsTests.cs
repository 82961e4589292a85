using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Observability;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Tests.Observability;

/// <summary>What the server's metrics report for real rounds run by the coordinator (issue 14).</summary>
public sealed class ServerMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public ServerMetricsTests()
    {
        IMeterFactory factory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new ServerMetrics(factory, Calls);

        // Only this test's meter: other tests in the process create meters of the same name.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    private ServerMetrics Metrics { get; }

    private PrivateFl.Server.Security.CallLimiter Calls { get; } = new(Microsoft.Extensions.Options.Options.Create(new ServerOptions()));

    [Fact]
    public void StageDuration_Buckets_SpanMillisecondsToTheLongestDeadlineInSeconds()
    {
        var boundaries = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument is Histogram<double> { Name: "privatefl.server.stage.duration", Advice.HistogramBucketBoundaries: { } advised } && instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>())
                {
                    boundaries.AddRange(advised);
                }
            },
        };
        listener.Start();

        Assert.Equal(ServerMetrics.StageBuckets, boundaries);
        Assert.True(boundaries[0] <= 0.01 && boundaries[^1] >= 600, string.Join(", ", boundaries));
        Assert.Equal(boundaries.Order(), boundaries);
    }

    [Fact]
    public void BanksConnected_TwoBanksThreeCallsThenOneEnds_CountsBanksWithACallInFlight()
    {
        Assert.Null(Calls.TryEnter("bank-a"));
        Assert.Null(Calls.TryEnter("bank-a"));
        Assert.Null(Calls.TryEnter("bank-b"));
        _listener.RecordObservableInstruments();
        Calls.Exit("bank-b");
        _listener.RecordObservableInstruments();

        Assert.Equal([2.0, 1.0], Of("privatefl.server.banks.connected").Select(m => m.Value));
    }

    [Fact]
    public async Task Round_OneBankSilentAtMaskedInput_OpenedCompletedOneDropoutThereAndEveryStageTimed()
    {
        using var fixture = new CoordinatorFixture(clients: 4, metrics: Metrics);
        string[] ids = [.. fixture.ClientIds];
        Task<RoundOutcome?>[] clients =
        [
            .. ids[..3].Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25))),
            fixture.RunClientAsync(ids[3], CoordinatorFixture.Delta(8, 0.25), stopBefore: RoundStage.MaskedInput),
        ];

        await fixture.AdvanceUntilAsync(Task.WhenAll(clients), TimeSpan.FromSeconds(1));
        await Task.WhenAll(clients);
        _listener.RecordObservableInstruments();

        Assert.Equal(1, Sum("privatefl.server.rounds.opened"));
        Assert.Equal(1, Sum("privatefl.server.rounds.completed"));
        Assert.Equal(0, Sum("privatefl.server.rounds.aborted"));
        Assert.Equal(1, Sum("privatefl.server.stage.dropouts"));
        Assert.Equal("MaskedInput", Assert.Single(Of("privatefl.server.stage.dropouts")).Tags["stage"]);
        string[] timed = [.. Of("privatefl.server.stage.duration").Select(m => (string)m.Tags["stage"]!)];
        Assert.Equal(["AdvertiseKeys", "ShareKeys", "MaskedInput", "Unmask"], timed);
        Assert.All(Of("privatefl.server.stage.duration"), m => Assert.True(m.Value >= 0));
        Assert.Equal(CoordinatorFixture.SessionId, Assert.Single(Of("privatefl.server.privacy.epsilon_spent")).Tags["session"]);
        Assert.All(_measurements, m => Assert.DoesNotContain(m.Tags.Values, v => v is string s && ids.Contains(s)));
    }

    [Fact]
    public async Task Round_TooManySilent_CountedAbortedNotCompleted()
    {
        using var fixture = new CoordinatorFixture(clients: 4, metrics: Metrics);
        string[] ids = [.. fixture.ClientIds];
        Task<RoundOutcome?>[] clients =
        [
            fixture.RunClientAsync(ids[0], CoordinatorFixture.Delta(8, 0.5)),
            .. ids[1..].Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.5), stopBefore: RoundStage.MaskedInput)),
        ];

        await fixture.AdvanceUntilAsync(Task.WhenAll(clients.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default))), TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<CoordinatorException>(() => clients[0]);
        await WaitForAsync(() => Sum("privatefl.server.rounds.aborted") == 1);

        Assert.Equal(1, Sum("privatefl.server.rounds.opened"));
        Assert.Equal(0, Sum("privatefl.server.rounds.completed"));
        Assert.Equal(1, Sum("privatefl.server.rounds.aborted"));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    /// <summary>The abort is recorded off the gate, after the banks may already have been told.</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
    }

    private double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Of(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument)];
        }
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}
