using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json.Serialization;

namespace PrivateFl.RestHost;

/// <summary>
/// The REST host's metrics, on the <see cref="MeterName"/> meter: predictions (count and latency, by decision or
/// refusal status) and training jobs (started, and ended by final status). Never an applicant's field or a score.
/// </summary>
internal sealed class RestHostMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "PrivateFl.RestHost";

    // A prediction takes well under a millisecond to a few seconds (a slow disk, a cold model): OpenTelemetry's default
    // boundaries (0, 5, 10 … 10000) are for milliseconds and would put every prediction in one bucket.
    internal static readonly double[] PredictionBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter<long> _predictions;
    private readonly Histogram<double> _predictionDuration;
    private readonly Counter<long> _jobsStarted;
    private readonly Counter<long> _jobsEnded;

    public RestHostMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter meter = meters.Create(MeterName);
        _predictions = meter.CreateCounter<long>("privatefl.resthost.predictions", "{prediction}", "Answered /fl_predict requests, by HTTP status and (for 200) the decision label.");
        _predictionDuration = meter.CreateHistogram<double>("privatefl.resthost.prediction.duration", "s", "How long /fl_predict took to answer, by HTTP status and decision.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PredictionBuckets });
        _jobsStarted = meter.CreateCounter<long>("privatefl.resthost.training_jobs.started", "{job}", "Training jobs started.");
        _jobsEnded = meter.CreateCounter<long>("privatefl.resthost.training_jobs.ended", "{job}", "Training jobs ended, by final status.");
    }

    /// <summary>A prediction was answered with <paramref name="status"/>, and for a 200 with <paramref name="decision"/>.</summary>
    public void Predicted(int status, string? decision, TimeSpan elapsed)
    {
        var tags = new TagList { { "http.response.status_code", status }, { "decision", decision ?? "none" } };
        _predictions.Add(1, tags);
        _predictionDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>A training job started.</summary>
    public void JobStarted() => _jobsStarted.Add(1);

    /// <summary>A training job ended with <paramref name="status"/>, labelled with the status's name in the job's JSON (<c>succeeded</c>, <c>no_rounds</c>, …).</summary>
    public void JobEnded(TrainingJobStatus status) =>
        _jobsEnded.Add(1, new KeyValuePair<string, object?>("status", typeof(TrainingJobStatus).GetField(status.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? status.ToString()));
}
