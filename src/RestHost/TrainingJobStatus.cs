using System.Text.Json.Serialization;

namespace PrivateFl.RestHost;

/// <summary>
/// Where a training job stands. Written in the job's JSON as the lowercase names the prototype's clients read
/// (<c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>; specs/rest-api.md), never as numbers.
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

    /// <summary>Training ended normally; the job has its report.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded = 3,

    /// <summary>Training stopped on an error; the job's message says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed = 4,
}
