using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk;

/// <summary>
/// A bank's client of a PrivateFl federation: it trains on local data and takes part in secure rounds, so
/// that the update leaves the bank only masked; it fetches the global model and predicts locally.
/// </summary>
/// <remarks>
/// Thread-safe for concurrent calls. Safe calls (reading a session or a model, waiting for a round) are retried
/// with exponential backoff when the server is unavailable; round stages are never retried, because a round
/// cannot take the same message twice: a client that loses a stage loses the round and joins the next one.
/// </remarks>
public sealed partial class FederatedClient : IDisposable
{
    private readonly FederatedClientOptions _options;
    private readonly SigningKey _identityKey;
    private readonly bool _ownsIdentityKey;
    private readonly GrpcChannel _channel;
    private readonly Federation.FederationClient _federation;
    private readonly ILogger _logger;
    private readonly IClientSessionFactory _sessions;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Where the server is and who this client is.</param>
    /// <param name="identityKey">The client's Ed25519 identity key (not disposed by the client); null reads <see cref="FederatedClientOptions.IdentityKeyFile"/>.</param>
    /// <param name="logger">Where to log; never receives data, keys or updates.</param>
    /// <param name="timeProvider">The clock that timestamps calls.</param>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message names it.</exception>
    public FederatedClient(FederatedClientOptions options, SigningKey? identityKey = null, ILogger<FederatedClient>? logger = null, TimeProvider? timeProvider = null)
        : this(options, identityKey, logger, timeProvider, ClientSessionFactory.Default)
    {
    }

    /// <summary>Creates a client whose round sessions come from <paramref name="sessions"/> (registered in DI; the default makes the SDK's own).</summary>
    internal FederatedClient(FederatedClientOptions options, SigningKey? identityKey, ILogger<FederatedClient>? logger, TimeProvider? timeProvider, IClientSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessions);
        string? problem = FederatedClientOptionsValidator.Check(options, identityKey is not null);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _options = options;
        _ownsIdentityKey = identityKey is null;
        _identityKey = identityKey ?? LoadIdentityKey(options.IdentityKeyFile);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan };
        ServerTrust.Create(options.TrustedCaFile, options.PinnedServerCertificateSha256, options.ClientCertificateFile, options.ClientKeyFile, FederatedClientOptionsValidator.TrustSettingNames)?.Configure(handler);
        _channel = GrpcChannel.ForAddress(options.ServerAddress, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = options.MaxMessageBytes,
            MaxSendMessageSize = options.MaxMessageBytes,
            HttpHandler = handler,
        });
        CallInvoker invoker = Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(_channel.CreateCallInvoker(), new CallSigningInterceptor(options.ClientId, _identityKey, timeProvider ?? TimeProvider.System));
        if (options.Interceptors.Count > 0)
        {
            // Outside the signing interceptor: the signature covers the call as the bank's own interceptors leave it.
            invoker = Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(invoker, [.. options.Interceptors]);
        }

        _federation = new Federation.FederationClient(invoker);
        _sessions = sessions;
    }

    /// <summary>Creates a client from dependency injection.</summary>
    /// <param name="options">The bound options.</param>
    /// <param name="logger">Where to log.</param>
    public FederatedClient(IOptions<FederatedClientOptions> options, ILogger<FederatedClient> logger)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, null, logger)
    {
    }

    /// <summary>Gets the id this client was enrolled with.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>Gets the client's identity public key, for enrolment.</summary>
    public ReadOnlySpan<byte> IdentityPublicKey => _identityKey.PublicKey;

    /// <summary>Reads a session's public configuration and state, with the feature schema it carries.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SchemaMismatchException">
    /// The session carries a schema that cannot be read, or whose SHA-256 is not the session's schema hash.
    /// </exception>
    /// <exception cref="SessionEndedException">The session does not exist.</exception>
    /// <exception cref="ServerUnavailableException">The server could not be reached.</exception>
    /// <exception cref="ClientRejectedException">The server does not accept this client.</exception>
    /// <exception cref="ServerErrorException">The server failed or refused the call.</exception>
    public async Task<TrainingSessionInfo> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        SessionInfo info = await RetryAsync(() => _federation.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return new TrainingSessionInfo(info.SessionId, info.SchemaName, info.SchemaHash, (int)info.ModelLength, (int)info.TotalRounds, (int)info.CompletedRounds, info.CurrentModelVersion, info.SessionState == SessionState.Active, info.EpsilonSpent, info.Privacy?.EpsilonBudget ?? 0, info.Privacy?.Delta ?? 0, ModelSpecMapper.FromProto(info.Model), SessionSchema.Read(info))
        {
            State = Enum.IsDefined((TrainingSessionState)(int)info.SessionState) ? (TrainingSessionState)(int)info.SessionState : TrainingSessionState.Unknown,
            MinimumCohortSize = (int)(info.Cohorts is { MinimumCohortSize: > 0 } cohorts ? cohorts.MinimumCohortSize : info.MinimumClients),
        };
    }

    /// <summary>
    /// Joins a session and trains with local data until the session has run all its rounds (or
    /// <paramref name="maxRounds"/> of this client's rounds are done). The data never leaves this process: only
    /// the clipped, quantized, masked update does.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="data">The bank's training data; its schema must be the session's.</param>
    /// <param name="progress">Receives a report after every round.</param>
    /// <param name="maxRounds">Stop after this many rounds taken part in; null runs to the end of the session.</param>
    /// <param name="cancellationToken">Stops training; the current round is abandoned.</param>
    /// <returns>What the training achieved.</returns>
    /// <exception cref="SchemaMismatchException">The data's schema differs from the session's.</exception>
    /// <exception cref="SessionEndedException">The session does not exist or has ended.</exception>
    /// <exception cref="ServerUnavailableException">The server could not be reached.</exception>
    /// <exception cref="ClientRejectedException">The server does not accept this client (not enrolled, revoked, bad signature).</exception>
    /// <exception cref="ServerErrorException">The server failed, refused a request, or answered something this client cannot use.</exception>
    /// <exception cref="PrivacyLedgerException">This bank's privacy ledger cannot be read or written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Apart from argument errors and the caller's own cancellation, every failure surfaces as one of the
    /// <see cref="FederationException"/> subtypes above, never as a transport exception: a host can always end its job with a reason.
    /// </remarks>
    public async Task<TrainingReport> TrainAsync(string sessionId, CreditDataset data, IProgress<TrainingProgress>? progress = null, int? maxRounds = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            return await TrainCoreAsync(sessionId, data, progress, maxRounds, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The caller cancelled training.", ex, cancellationToken);
        }
        catch (Exception ex) when (AsFederationException(ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<TrainingReport> TrainCoreAsync(string sessionId, CreditDataset data, IProgress<TrainingProgress>? progress, int? maxRounds, CancellationToken cancellationToken)
    {
        TrainingSessionInfo session = await GetSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        CreditModel model = CreditModel.Create(data.Schema, session.Model ?? ModelSpecification.LogisticRegression);
        if (!string.Equals(session.SchemaHash, data.Schema.Hash, StringComparison.Ordinal) || session.ModelLength != model.ParameterCount)
        {
            string difference = session.Schema is null ? string.Empty : " " + SessionSchema.Describe(session.Schema, data.Schema);
            throw new SchemaMismatchException($"Session '{sessionId}' trains schema '{session.SchemaName}' ({session.SchemaHash}, {session.ModelLength} parameters); the data has schema {data.Schema} ({model.Specification}: {model.ParameterCount} parameters).{difference}");
        }

        LocalPrivacyLedger ledger = OpenLedger(sessionId);
        (TrainingStopReason stopReason, string stopMessage) = session.State == TrainingSessionState.BudgetExhausted
            ? (TrainingStopReason.SessionBudgetExhausted, session.IsActive ? "The session has spent its privacy budget." : "The session had already spent its privacy budget when training started.")
            : (TrainingStopReason.SessionCompleted, session.IsActive ? "The session has run all its rounds." : "The session had already run all its rounds when training started.");
        int participated = 0;
        int lost = 0;
        long modelVersion = session.CurrentModelVersion;
        double epsilon = session.EpsilonSpent;
        int seed = _options.TrainingSeed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        while (session.IsActive && (maxRounds is null || participated < maxRounds))
        {
            (RoundAnnouncement? announcement, (TrainingStopReason Reason, string Message)? end) = await WaitForRoundAsync(sessionId, data.Schema.Hash, cancellationToken).ConfigureAwait(false);
            if (announcement is null)
            {
                (stopReason, stopMessage) = end ?? (stopReason, stopMessage);
                break;
            }

            if (CheckPrivacy(announcement, ledger) is { } refusal)
            {
                (stopReason, stopMessage) = refusal;
                LogRoundRefused(_logger, sessionId, announcement.RoundNumber, refusal.Message);
                break;
            }

            try
            {
                (RoundPlan plan, Dictionary<int, ReadOnlyMemory<byte>> identityKeys) = AnnouncementValidator.ValidatePlan(announcement, sessionId, ClientId, _identityKey.PublicKey, model.ParameterCount, _options.MinimumSecAggMode, _options.MinimumCorruptedFraction, new CohortFloor(session.MinimumCohortSize, _options.MinimumCohortSize));
                SecAggParameters parameters = plan.Parameters;
                ModelSpecMapper.CheckAnnouncement(announcement, model);
                uint[] update = UpdateEncoder.Compute(announcement, plan, data, model, unchecked(seed + (int)announcement.RoundNumber));
                if (announcement.Privacy is { Mode: DpMode.RecordLevel or DpMode.ClientLevel } privacy)
                {
                    // Recorded before the update leaves the bank: a round that later aborts is counted, never missed.
                    RecordInLedger(ledger, LocalPrivacyLedger.Entry.For(announcement.RoundNumber, UpdateEncoder.AccountingRound(announcement), privacy.Delta, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                }

                var runner = new RoundRunner(_federation, _identityKey, _sessions);
                RoundResultReply result = await runner.RunAsync(announcement, parameters, identityKeys, update, cancellationToken).ConfigureAwait(false);
                participated++;
                modelVersion = result.ModelVersion;
                epsilon = result.EpsilonSpent;
                LogRoundCompleted(_logger, sessionId, announcement.RoundNumber, result.ModelVersion, result.Included.Count);
                progress?.Report(new TrainingProgress(sessionId, announcement.RoundNumber, participated + lost, (int)announcement.TotalRounds, result.ModelVersion, true, result.EpsilonSpent, $"Round {announcement.RoundNumber} completed with {result.Included.Count} of {announcement.Participants.Count} banks; model version {result.ModelVersion}."));
            }
            catch (FederationException ex) when (ex is not ServerUnavailableException and not SchemaMismatchException and not PrivacyLedgerException && !cancellationToken.IsCancellationRequested)
            {
                // The announced round is unsafe for this bank: it declines and stops, since the session's settings will not change.
                (stopReason, stopMessage) = (TrainingStopReason.RoundRefused, $"This client refused round {announcement.RoundNumber}: {ex.Message}");
                LogRoundRefused(_logger, sessionId, announcement.RoundNumber, ex.Message);
                break;
            }
            catch (Exception ex) when (IsRoundLoss(ex, cancellationToken))
            {
                lost++;
                LogRoundLost(_logger, sessionId, announcement.RoundNumber, ex.Message);
                progress?.Report(new TrainingProgress(sessionId, announcement.RoundNumber, participated + lost, (int)announcement.TotalRounds, modelVersion, false, epsilon, $"Round {announcement.RoundNumber} lost: {ex.Message}"));
            }
        }

        if (maxRounds is not null && participated >= maxRounds)
        {
            (stopReason, stopMessage) = (TrainingStopReason.RoundLimitReached, $"This client took part in the {maxRounds} rounds asked for.");
        }

        if (participated == 0)
        {
            // Ending without error is not success: the caller (a job, a log) must not read this run as a trained model.
            stopMessage = lost == 0 ? $"No round was trained. {stopMessage}" : $"No round was trained ({lost} joined, all lost). {stopMessage}";
        }

        GlobalModel global = await GetGlobalModelAsync(sessionId, 0, cancellationToken).ConfigureAwait(false);
        double[] probabilities = model.PredictProbabilities([.. global.Weights], data);
        double localEpsilon = ledger.Entries.Count == 0 ? 0 : ledger.EpsilonWith(null, ledger.Entries.Max(e => e.Delta));
        return new TrainingReport(sessionId, participated, lost, global.Version, ModelMetrics.RocAuc(probabilities, data.Labels), ModelMetrics.LogLoss(probabilities, data.Labels), global.EpsilonSpent, global.Delta, localEpsilon, stopReason, stopMessage);
    }

    /// <summary>Fetches a version of the global model (0 = the current one).</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="version">The version, or 0 for the current one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model.</returns>
    /// <exception cref="SessionEndedException">The session or version does not exist.</exception>
    /// <exception cref="ServerUnavailableException">The server could not be reached.</exception>
    /// <exception cref="ClientRejectedException">The server does not accept this client.</exception>
    /// <exception cref="ServerErrorException">The server failed or refused the call.</exception>
    public async Task<GlobalModel> GetGlobalModelAsync(string sessionId, long version = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ModelVersion model = await RetryAsync(() => _federation.GetModelAsync(new GetModelRequest { SessionId = sessionId, Version = version }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return new GlobalModel(model.SessionId, model.Version, [.. model.Weights], model.SchemaHash, model.RoundNumber, (int)model.Contributors, model.EpsilonSpent, model.Delta, model.PrivacyParametersJson);
    }

    /// <summary>Closes the connection and erases the identity key if this client loaded it.</summary>
    public void Dispose()
    {
        _channel.Dispose();
        if (_ownsIdentityKey)
        {
            _identityKey.Dispose();
        }
    }

    /// <summary>The bank's own privacy checks of a round, made without trusting the server; null when it may take part.</summary>
    private (TrainingStopReason Reason, string Message)? CheckPrivacy(RoundAnnouncement announcement, LocalPrivacyLedger ledger)
    {
        PrivacySettings? privacy = announcement.Privacy;
        if (privacy is null || privacy.Mode is DpMode.None or DpMode.Unspecified)
        {
            return _options.RequireDifferentialPrivacy
                ? (TrainingStopReason.PrivacyTermsRefused, $"Round {announcement.RoundNumber} has no differential privacy, and this client requires it.")
                : null;
        }

        if (!(privacy.Delta > 0 && privacy.Delta <= _options.MaxDelta) || !double.IsFinite(privacy.NoiseMultiplier) || privacy.NoiseMultiplier <= 0)
        {
            return (TrainingStopReason.PrivacyTermsRefused, $"Round {announcement.RoundNumber} announces δ = {privacy.Delta:G3} and σ = {privacy.NoiseMultiplier:G3}; this client accepts δ ≤ {_options.MaxDelta:G3} and σ > 0.");
        }

        double epsilonAfter;
        try
        {
            epsilonAfter = ledger.EpsilonWith(UpdateEncoder.AccountingRound(announcement), privacy.Delta);
        }
        catch (ArgumentException ex)
        {
            // A sampling rate, dimension or noise the accountant cannot take is refused, never a crash of the bank.
            return (TrainingStopReason.PrivacyTermsRefused, $"Round {announcement.RoundNumber} announces privacy parameters this client cannot account for: {ex.Message}");
        }

        return epsilonAfter > _options.MaxEpsilon
            ? (TrainingStopReason.LocalBudgetExhausted, $"This client's own privacy budget is spent: round {announcement.RoundNumber} would bring its ε to {epsilonAfter:G4} > {_options.MaxEpsilon:G4} (δ = {privacy.Delta:G3}), whatever the server's budget.")
            : null;
    }

    /// <summary>The next round for this client, or why the session ended, read from the refusal's ErrorInfo reason (never its text).</summary>
    private async Task<(RoundAnnouncement? Announcement, (TrainingStopReason Reason, string Message)? End)> WaitForRoundAsync(string sessionId, string schemaHash, CancellationToken cancellationToken)
    {
        try
        {
            return (await RetryAsync(
                () => _federation.WaitForRoundAsync(
                    new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = sessionId, SchemaHash = schemaHash },
                    deadline: DateTime.UtcNow + _options.RoundWaitTimeout,
                    cancellationToken: cancellationToken).ResponseAsync,
                cancellationToken).ConfigureAwait(false), null);
        }
        catch (SessionEndedException ex) when (ex.InnerException is RpcException rpc && RpcErrorTranslator.SessionEnd(rpc) is { } end)
        {
            // The session ended (all rounds run, or its budget spent) while this client waited: training ends normally.
            return (null, (end, rpc.Status.Detail));
        }
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        TimeSpan delay = _options.RetryDelay;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (RpcException ex) when (attempt < _options.MaxRetries && RpcErrorTranslator.IsRetryable(ex))
            {
                LogRetrying(_logger, attempt + 1, delay.TotalMilliseconds, ex.Status.Detail);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The caller cancelled the call.", ex, cancellationToken);
            }
            catch (RpcException ex)
            {
                throw Translate(ex);
            }
        }
    }

    private FederationException Translate(RpcException ex) => RpcErrorTranslator.Translate(ex, _options.ServerAddress, ClientId, _options.MaxRetries);

    /// <summary>The documented exception for anything <see cref="TrainAsync"/> met; null leaves the exception as it is (the caller's cancellation, already documented ones).</summary>
    private FederationException? AsFederationException(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        FederationException or ArgumentException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        RpcException rpc => Translate(rpc),
        OperationCanceledException or TimeoutException or HttpRequestException => new ServerUnavailableException($"The aggregation server at {_options.ServerAddress} did not answer: {ex.Message}", ex),
        SecAggProtocolException => new ServerErrorException($"The server's answer breaks the secure-aggregation protocol: {ex.Message}", ex),
        _ => new ServerErrorException($"Training stopped on an unexpected {ex.GetType().Name}; see the inner exception.", ex),
    };

    private LocalPrivacyLedger OpenLedger(string sessionId)
    {
        try
        {
            return new LocalPrivacyLedger(_options.LedgerDirectory, sessionId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new PrivacyLedgerException($"This bank's privacy ledger in '{_options.LedgerDirectory}' cannot be read: {ex.Message}", ex);
        }
    }

    private void RecordInLedger(LocalPrivacyLedger ledger, LocalPrivacyLedger.Entry entry)
    {
        try
        {
            ledger.Record(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PrivacyLedgerException($"This bank's privacy ledger in '{_options.LedgerDirectory}' cannot be written, so the round is not joined: {ex.Message}", ex);
        }
    }

    private static bool IsRoundLoss(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && ex is OperationCanceledException or SecAggProtocolException
            or RpcException { StatusCode: StatusCode.Aborted or StatusCode.FailedPrecondition or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Unavailable };

    private static SigningKey LoadIdentityKey(string path)
    {
        byte[] content = File.ReadAllBytes(path);
        try
        {
            if (content.Length == SigningKey.KeySize)
            {
                return SigningKey.Import(content);
            }

            byte[] decoded = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(content).Trim());
            try
            {
                return decoded.Length == SigningKey.KeySize
                    ? SigningKey.Import(decoded)
                    : throw new ArgumentException($"FederatedClientOptions:IdentityKeyFile '{path}' must hold a 32-byte Ed25519 private key, raw or base64.", nameof(path));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(decoded);
            }
        }
        catch (FormatException)
        {
            throw new ArgumentException($"FederatedClientOptions:IdentityKeyFile '{path}' must hold a 32-byte Ed25519 private key, raw or base64.", nameof(path));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, EventName = "RoundCompleted", Message = "Session {SessionId} round {RoundNumber} completed: model version {ModelVersion} with {Included} banks.")]
    private static partial void LogRoundCompleted(ILogger logger, string sessionId, long roundNumber, long modelVersion, int included);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, EventName = "RoundLost", Message = "Session {SessionId} round {RoundNumber} lost: {Reason}")]
    private static partial void LogRoundLost(ILogger logger, string sessionId, long roundNumber, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, EventName = "RoundRefused", Message = "Session {SessionId}: this client declines round {RoundNumber}: {Reason}")]
    private static partial void LogRoundRefused(ILogger logger, string sessionId, long roundNumber, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, EventName = "Retrying", Message = "Server unavailable; retry {Attempt} in {DelayMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, double delayMs, string reason);
}
