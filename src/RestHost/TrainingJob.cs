using System.Text.Json.Serialization;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>A background training run started by <c>POST /fl_train</c>, as <c>GET /fl_train/{id}</c> shows it.</summary>
internal sealed class TrainingJob
{
    private readonly Lock _gate = new();

    public TrainingJob(Guid id, string dataset, int rows)
    {
        Id = id;
        Dataset = dataset;
        Rows = rows;
    }

    [JsonPropertyName("id")]
    public Guid Id { get; }

    [JsonPropertyName("dataset")]
    public string Dataset { get; }

    [JsonPropertyName("rows")]
    public int Rows { get; }

    [JsonPropertyName("status")]
    public TrainingJobStatus Status { get; private set; } = TrainingJobStatus.Queued;

    [JsonPropertyName("round")]
    public long Round { get; private set; }

    [JsonPropertyName("rounds_completed")]
    public int RoundsCompleted { get; private set; }

    [JsonPropertyName("total_rounds")]
    public int TotalRounds { get; private set; }

    [JsonPropertyName("epsilon_spent")]
    public double EpsilonSpent { get; private set; }

    [JsonPropertyName("message")]
    public string? Message { get; private set; }

    [JsonPropertyName("report")]
    public TrainingReportView? Report { get; private set; }

    [JsonIgnore]
    public Task Completion { get; set; } = Task.CompletedTask;

    public void Started()
    {
        lock (_gate)
        {
            Status = TrainingJobStatus.Running;
        }
    }

    public void Update(TrainingProgress progress)
    {
        lock (_gate)
        {
            Round = progress.RoundNumber;
            RoundsCompleted = progress.RoundsCompleted;
            TotalRounds = progress.TotalRounds;
            EpsilonSpent = progress.EpsilonSpent;
            Message = progress.Message;
        }
    }

    /// <summary>Ends the job with its report: <c>succeeded</c>, or <c>no_rounds</c> when the bank trained in no round.</summary>
    public void Finished(TrainingReport report)
    {
        lock (_gate)
        {
            Status = report.TrainedNoRounds ? TrainingJobStatus.NoRounds : TrainingJobStatus.Succeeded;
            EpsilonSpent = report.EpsilonSpent;
            Report = TrainingReportView.From(report);
            Message = report.StopMessage;
        }
    }

    public void Failed(string message)
    {
        lock (_gate)
        {
            Status = TrainingJobStatus.Failed;
            Message = message;
        }
    }
}
