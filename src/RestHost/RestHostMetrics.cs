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

    private readonly Counter<long> _predictions;
    private readonly Histogram<double> _predictionDuration;
    private readonly Counter<long> _jobsStarted;
    private readonly Counter<long> _jobsEnded;

    public RestHostMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter meter = meters.Create(MeterName);
        _predictions = meter.CreateCounter<long>("privatefl.resthost.predictions", "{prediction}", "Answered /fl_predict requests, by HTTP status and (for 200) the decision label.");
        _predictionDuration = meter.CreateHistogram<double>("privatefl.resthost.prediction.duration", "s", "How long /fl_predict took to answer, by HTTP status and decision.");
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
