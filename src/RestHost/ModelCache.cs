using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// The locally cached global model that predictions run on: applicants never leave the host. <see cref="ModelRefresher"/>
/// refreshes it in the background every <see cref="RestHostOptions.ModelRefreshInterval"/>, so a prediction only reads
/// <see cref="Current"/> and never waits on the network; the cache is kept while the server does not answer.
/// </summary>
internal sealed partial class ModelCache(FederatedClient client, HostSchema hostSchema, IOptions<RestHostOptions> options, IOptions<CreditPredictorOptions> predictorOptions, TimeProvider time, ILogger<ModelCache> logger)
{
    private readonly Lock _gate = new();
    private Task<ServerState>? _refreshing;
    private volatile CachedModel? _current;
    private volatile ServerState _server = ServerState.NotAskedYet;

    /// <summary>The newest trained model (version ≥ 1) cached, or null.</summary>
    public CachedModel? Current => _current;

    /// <summary>What the last refresh learnt about the aggregation server.</summary>
    public ServerState Server => _server;

    /// <summary>
    /// Asks the server for the current model once, bounded by <see cref="RestHostOptions.ServerProbeTimeout"/>. Concurrent
    /// callers share one call, so probes and the background refresh never queue calls up behind a slow server.
    /// </summary>
    public Task<ServerState> RefreshAsync(CancellationToken cancellationToken = default)
    {
        Task<ServerState> refreshing;
        lock (_gate)
        {
            if (_refreshing is null || _refreshing.IsCompleted)
            {
                _refreshing = Task.Run(RefreshCoreAsync, CancellationToken.None);
            }

            refreshing = _refreshing;
        }

        return refreshing.WaitAsync(cancellationToken);
    }

    private async Task<ServerState> RefreshCoreAsync()
    {
        using var timeout = new CancellationTokenSource(options.Value.ServerProbeTimeout, time);
        ServerState state;
        try
        {
            GlobalModel latest = await client.GetGlobalModelAsync(options.Value.SessionId, 0, timeout.Token).ConfigureAwait(false);
            CachedModel? current = _current;
            if (latest.Version >= 1 && (current is null || latest.Version > current.Model.Version))
            {
                // The session declares the model kind; the schema is this host's, and CreatePredictor checks that the
                // model was trained over it (hash and parameter count) or throws SchemaMismatchException.
                TrainingSessionInfo session = await client.GetSessionAsync(options.Value.SessionId, timeout.Token).ConfigureAwait(false);
                ModelSpecification model = session.Model ?? ModelSpecification.LogisticRegression;
                _current = new CachedModel(latest, latest.CreatePredictor(hostSchema.Schema, model, predictorOptions.Value));
                LogModelCached(logger, latest.Version);
            }

            state = new ServerState(true, null, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            state = new ServerState(false, $"The aggregation server did not answer within {options.Value.ServerProbeTimeout.TotalSeconds:0.###} s.", time.GetUtcNow());
        }
        catch (FederationException ex)
        {
            state = new ServerState(ex is not ServerUnavailableException, $"{ex.GetType().Name}: {ex.Message}", time.GetUtcNow());
        }
        catch (ArgumentException ex)
        {
            // The server answered with a model this host cannot use (wrong length for the schema): keep the cached one.
            state = new ServerState(true, $"The server's model cannot be used: {ex.Message}", time.GetUtcNow());
        }

        if (!state.Answers && _server.Answers)
        {
            LogServerUnreachable(logger, state.Problem ?? string.Empty);
        }

        _server = state;
        return state;
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, EventName = "ModelCached", Message = "Global model version {Version} cached for predictions.")]
    private static partial void LogModelCached(ILogger logger, long version);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, EventName = "ServerUnreachable", Message = "The aggregation server does not answer; predictions keep the cached model: {Problem}")]
    private static partial void LogServerUnreachable(ILogger logger, string problem);
}
