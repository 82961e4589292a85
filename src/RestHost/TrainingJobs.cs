using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>Runs training jobs in the background, one at a time (a bank takes part in a round once).</summary>
internal sealed partial class TrainingJobs(FederatedClient client, IOptions<RestHostOptions> options, ModelCache models, ILogger<TrainingJobs> logger)
{
    private readonly ConcurrentDictionary<Guid, TrainingJob> _jobs = new();
    private readonly Lock _gate = new();
    private TrainingJob? _running;

    public TrainingJob? Find(Guid id) => _jobs.GetValueOrDefault(id);

    /// <summary>Starts a job, or returns null when one is already running.</summary>
    public TrainingJob? TryStart(string dataset, CreditDataset data)
    {
        lock (_gate)
        {
            if (_running is { Status: "queued" or "running" })
            {
                return null;
            }

            var job = new TrainingJob(Guid.NewGuid(), dataset, data.RowCount);
            _jobs[job.Id] = job;
            _running = job;
            job.Completion = Task.Run(() => RunAsync(job, data));
            return job;
        }
    }

    private async Task RunAsync(TrainingJob job, CreditDataset data)
    {
        job.Started();
        LogJobStarted(logger, job.Id, job.Dataset, job.Rows);
        try
        {
            var progress = new Progress<TrainingProgress>(job.Update);
            TrainingReport report = await client.TrainAsync(options.Value.SessionId, data, progress).ConfigureAwait(false);
            job.Succeeded(report);
            models.Invalidate();
            LogJobFinished(logger, job.Id, report.RoundsParticipated, report.ModelVersion);
        }
        catch (FederationException ex)
        {
            job.Failed(ex.Message);
            LogJobFailed(logger, job.Id, ex.Message);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, EventName = "TrainingJobStarted", Message = "Training job {JobId} started on {Dataset} ({Rows} rows).")]
    private static partial void LogJobStarted(ILogger logger, Guid jobId, string dataset, int rows);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, EventName = "TrainingJobFinished", Message = "Training job {JobId} finished: {Rounds} rounds, model version {ModelVersion}.")]
    private static partial void LogJobFinished(ILogger logger, Guid jobId, int rounds, long modelVersion);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, EventName = "TrainingJobFailed", Message = "Training job {JobId} failed: {Reason}")]
    private static partial void LogJobFailed(ILogger logger, Guid jobId, string reason);
}
