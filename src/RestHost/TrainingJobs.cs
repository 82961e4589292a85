using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// Runs training jobs in the background, one at a time (a bank takes part in a round once). A caller first reserves
/// the single slot, so that a request that would be refused with 409 never reads its data set, then starts the job or
/// releases the slot. A job always ends, succeeded, failed with the reason whatever the SDK throws, or no_rounds when it trained nothing.
/// </summary>
internal sealed partial class TrainingJobs(FederatedClient client, IOptions<RestHostOptions> options, ModelCache models, IHostApplicationLifetime lifetime, ILogger<TrainingJobs> logger, RestHostMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<Guid, TrainingJob> _jobs = new();
    private int _busy;

    public TrainingJob? Find(Guid id) => _jobs.GetValueOrDefault(id);

    /// <summary>Takes the single training slot; false when a job is running or another request holds it.</summary>
    public bool TryReserve() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Gives the slot back when a reserved request does not start a job (its data set was refused).</summary>
    public void Release() => Volatile.Write(ref _busy, 0);

    /// <summary>Starts a job in the slot the caller reserved with <see cref="TryReserve"/>; the slot is released when the job ends.</summary>
    public TrainingJob Start(string dataset, CreditDataset data)
    {
        if (Volatile.Read(ref _busy) != 1)
        {
            throw new InvalidOperationException("Start needs the slot taken by TryReserve.");
        }

        var job = new TrainingJob(Guid.NewGuid(), dataset, data.RowCount);
        _jobs[job.Id] = job;
        job.Completion = Task.Run(() => RunAsync(job, data));
        return job;
    }

    private async Task RunAsync(TrainingJob job, CreditDataset data)
    {
        job.Started();
        LogJobStarted(logger, job.Id, job.Dataset, job.Rows);
        metrics?.JobStarted();
        try
        {
            var progress = new Progress<TrainingProgress>(job.Update);
            TrainingReport report = await client.TrainAsync(options.Value.SessionId, data, progress, cancellationToken: lifetime.ApplicationStopping).ConfigureAwait(false);
            // The new model is cached before the job reports success, so a prediction right after uses it.
            await models.RefreshAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
            job.Finished(report);
            LogJobFinished(logger, job.Id, report.RoundsParticipated, report.ModelVersion);
        }
        catch (FederationException ex)
        {
            job.Failed(ex.Message);
            LogJobFailed(logger, job.Id, ex.GetType().Name, ex.Message);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            job.Failed("The host is stopping; training was abandoned.");
            LogJobFailed(logger, job.Id, nameof(OperationCanceledException), "host stopping");
        }
        catch (Exception ex)
        {
            // Whatever else is thrown, the job ends and the next /fl_train is accepted; the details stay in the log.
            job.Failed($"Training stopped on an unexpected error ({ex.GetType().Name}); the host's log has the details.");
            LogJobCrashed(logger, job.Id, ex);
        }
        finally
        {
            metrics?.JobEnded(job.Status);
            Release();
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, EventName = "TrainingJobStarted", Message = "Training job {JobId} started on {Dataset} ({Rows} rows).")]
    private static partial void LogJobStarted(ILogger logger, Guid jobId, string dataset, int rows);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, EventName = "TrainingJobFinished", Message = "Training job {JobId} finished: {Rounds} rounds, model version {ModelVersion}.")]
    private static partial void LogJobFinished(ILogger logger, Guid jobId, int rounds, long modelVersion);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, EventName = "TrainingJobFailed", Message = "Training job {JobId} failed ({Kind}): {Reason}")]
    private static partial void LogJobFailed(ILogger logger, Guid jobId, string kind, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Error, EventName = "TrainingJobCrashed", Message = "Training job {JobId} stopped on an unexpected exception.")]
    private static partial void LogJobCrashed(ILogger logger, Guid jobId, Exception exception);
}
