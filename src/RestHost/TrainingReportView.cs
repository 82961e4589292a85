using System.Text.Json.Serialization;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>The report of a finished training job, in the REST API's field names; <c>stop_reason</c> stays the sentence it has always been (the SDK's <see cref="TrainingReport.StopMessage"/>), for the prototype's clients.</summary>
internal sealed record TrainingReportView(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("rounds_participated")] int RoundsParticipated,
    [property: JsonPropertyName("rounds_lost")] int RoundsLost,
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("local_roc_auc")] double LocalRocAuc,
    [property: JsonPropertyName("local_log_loss")] double LocalLogLoss,
    [property: JsonPropertyName("epsilon_spent")] double EpsilonSpent,
    [property: JsonPropertyName("delta")] double Delta,
    [property: JsonPropertyName("local_epsilon_spent")] double LocalEpsilonSpent,
    [property: JsonPropertyName("stop_reason")] string StopReason)
{
    public static TrainingReportView From(TrainingReport report) =>
        new(report.SessionId, report.RoundsParticipated, report.RoundsLost, report.ModelVersion, report.LocalRocAuc, report.LocalLogLoss, report.EpsilonSpent, report.Delta, report.LocalEpsilonSpent, report.StopMessage);
}
