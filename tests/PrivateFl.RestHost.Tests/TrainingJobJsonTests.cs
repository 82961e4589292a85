using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// Issue 12: the job status is an enum inside the host, but its JSON is exactly what the prototype's clients read:
/// the lowercase strings queued, running, succeeded and failed, and (issue 14) no_rounds (specs/rest-api.md), and stop_reason stays the sentence.
/// </summary>
public sealed class TrainingJobJsonTests
{
    [Fact]
    public void Serialize_EveryStatus_TheLowercaseStringOfTheRestApi()
    {
        var job = new TrainingJob(Guid.NewGuid(), "bank.csv", 10);
        var seen = new List<string?> { Status(job) };
        job.Started();
        seen.Add(Status(job));
        job.Finished(new TrainingReport("s", 1, 0, 1, 0.5, 0.7, 0.1, 1e-5, 0.1, TrainingStopReason.SessionCompleted, "The session has run all its rounds."));
        seen.Add(Status(job));
        var failed = new TrainingJob(Guid.NewGuid(), "bank.csv", 10);
        failed.Failed("The server went away.");
        seen.Add(Status(failed));
        var idle = new TrainingJob(Guid.NewGuid(), "bank.csv", 10);
        idle.Finished(new TrainingReport("s", 0, 0, 1, 0.5, 0.7, 0.1, 1e-5, 0, TrainingStopReason.SessionCompleted, "No round was trained. The session had already run all its rounds when training started."));
        seen.Add(Status(idle));

        Assert.Equal(["queued", "running", "succeeded", "failed", "no_rounds"], seen);
        Assert.Equal(Enum.GetValues<TrainingJobStatus>().Length, seen.Distinct().Count());
        using JsonDocument done = JsonDocument.Parse(JsonSerializer.Serialize(job, JsonSerializerOptions.Web));
        Assert.Equal("The session has run all its rounds.", done.RootElement.GetProperty("report").GetProperty("stop_reason").GetString());
        Assert.Equal("The session has run all its rounds.", done.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("\"queued\"", nameof(TrainingJobStatus.Queued))]
    [InlineData("\"running\"", nameof(TrainingJobStatus.Running))]
    [InlineData("\"succeeded\"", nameof(TrainingJobStatus.Succeeded))]
    [InlineData("\"failed\"", nameof(TrainingJobStatus.Failed))]
    [InlineData("\"no_rounds\"", nameof(TrainingJobStatus.NoRounds))]
    public void Deserialize_RestApiString_TheStatus(string json, string expected)
    {
        Assert.Equal(Enum.Parse<TrainingJobStatus>(expected), JsonSerializer.Deserialize<TrainingJobStatus>(json, JsonSerializerOptions.Web));
    }

    private static string? Status(TrainingJob job)
    {
        using JsonDocument document = JsonDocument.Parse(JsonSerializer.Serialize(job, JsonSerializerOptions.Web));
        JsonElement status = document.RootElement.GetProperty("status");
        Assert.Equal(JsonValueKind.String, status.ValueKind);
        return status.GetString();
    }
}
