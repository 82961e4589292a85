using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Security;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Observability;

/// <summary>
/// The server's metrics, on the <see cref="MeterName"/> meter: rounds opened, completed and aborted, each stage's
/// latency and dropouts, ε spent per session and the banks connected. Names and units follow the OpenTelemetry
/// semantic conventions (dotted lower case, UCUM units); the Prometheus exporter turns them into
/// <c>privatefl_server_rounds_opened_total</c> and so on.
/// </summary>
/// <remarks>
/// Only counts, durations, stage names and session ids are published: never a client's input, key or share, nor a
/// client id (a label per bank would tell anyone who reads the metrics which banks take part).
/// </remarks>
internal sealed class ServerMetrics
{
    /// <summary>The meter's name, to subscribe to (<c>AddMeter("PrivateFl.Server")</c>).</summary>
    public const string MeterName = "PrivateFl.Server";

    // Stages take from milliseconds (a small cohort on loopback) to their deadline (minutes): OpenTelemetry's default
    // boundaries (0, 5, 10 … 10000) are for milliseconds and would put every stage in one bucket.
    internal static readonly double[] StageBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Counter<long> _opened;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _aborted;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _dropouts;
    private readonly ConcurrentDictionary<string, double> _epsilon = new(StringComparer.Ordinal);

    public ServerMetrics(IMeterFactory meters, CallLimiter calls)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(calls);
        // The factory owns the meter and disposes it with the container.
        Meter meter = meters.Create(MeterName);
        _opened = meter.CreateCounter<long>("privatefl.server.rounds.opened", "{round}", "Rounds this process took part in (each counts once, whatever its number of cohorts here).");
        _completed = meter.CreateCounter<long>("privatefl.server.rounds.completed", "{round}", "Rounds whose release was committed as a new model version.");
        _aborted = meter.CreateCounter<long>("privatefl.server.rounds.aborted", "{round}", "Rounds aborted (too few survivors, a failed stage, a spent budget).");
        _stageDuration = meter.CreateHistogram<double>("privatefl.server.stage.duration", "s", "How long each closed stage of a round (per cohort) was open.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });
        _dropouts = meter.CreateCounter<long>("privatefl.server.stage.dropouts", "{bank}", "Banks that left a round (per cohort) during a stage: alive before the stage minus alive after it.");
        meter.CreateObservableGauge("privatefl.server.privacy.epsilon_spent", ObserveEpsilon, null, "The privacy loss ε a session has spent, as of its last committed round since the server started.");
        meter.CreateObservableUpDownCounter("privatefl.server.banks.connected", () => calls.Clients, "{bank}", "Banks with at least one authenticated federation call in flight: waiting in a lobby or taking part in a round.");
    }

    /// <summary>A round opened with its cohorts.</summary>
    public void RoundOpened(string sessionId, IReadOnlyList<RoundSetup> cohorts) =>
        _opened.Add(1, new KeyValuePair<string, object?>("session", sessionId), new KeyValuePair<string, object?>("cohorts", cohorts.Count));

    /// <summary>
    /// This process's cohorts of a round ended (released or not): each stage's timing and dropouts. In a cluster every
    /// front end records its own cohorts, so a stage's histogram adds up across processes.
    /// </summary>
    public void CohortsEnded(string sessionId, RoundMaster round)
    {
        var session = new KeyValuePair<string, object?>("session", sessionId);
        foreach (RoundDriver cohort in round.Cohorts)
        {
            int alive = cohort.ParticipantIds.Length;
            foreach (StageTimingData timing in cohort.Timings)
            {
                var stage = new KeyValuePair<string, object?>("stage", timing.Stage);
                _stageDuration.Record(timing.Milliseconds / 1000.0, session, stage);
                if (timing.AliveAfter > 0 && alive > timing.AliveAfter)
                {
                    // An aborted stage records 0 alive: the banks did not drop, the round ended under them.
                    _dropouts.Add(alive - timing.AliveAfter, session, stage);
                }

                alive = timing.AliveAfter > 0 ? timing.AliveAfter : alive;
            }
        }
    }

    /// <summary>A round ended, counted once by the process that recorded it: its outcome and, for a committed round, the session's ε after it.</summary>
    public void RoundEnded(string sessionId, RoundOutcomeKind outcome, double? epsilonSpent = null)
    {
        (outcome == RoundOutcomeKind.Completed ? _completed : _aborted).Add(1, new KeyValuePair<string, object?>("session", sessionId));
        if (epsilonSpent is double epsilon)
        {
            _epsilon[sessionId] = epsilon;
        }
    }

    private IEnumerable<Measurement<double>> ObserveEpsilon() =>
        _epsilon.Select(e => new Measurement<double>(e.Value, new KeyValuePair<string, object?>("session", e.Key)));
}
