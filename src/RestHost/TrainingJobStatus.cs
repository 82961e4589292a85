using System.Text.Json.Serialization;

namespace PrivateFl.RestHost;

/// <summary>
/// Where a training job stands. Written in the job's JSON as the lowercase names the prototype's clients read
/// (<c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, and since issue 14 <c>no_rounds</c>; specs/rest-api.md), never as numbers.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingJobStatus>))]
internal enum TrainingJobStatus
{
    /// <summary>Accepted; training has not started yet.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued = 1,

    /// <summary>The bank is waiting for or taking part in rounds.</summary>
    [JsonStringEnumMemberName("running")]
    Running = 2,

    /// <summary>Training ended normally with at least one round trained; the job has its report.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded = 3,

    /// <summary>Training stopped on an error; the job's message says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed = 4,

    /// <summary>
    /// Training ended without error but this bank's data went into no model (the session had already ended or spent
    /// its budget, every round joined was lost, or the bank's own budget or terms refused): not a success. The job has
    /// its report, and its message says why.
    /// </summary>
    [JsonStringEnumMemberName("no_rounds")]
    NoRounds = 5,
}
