using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// The locally cached global model that predictions run on: applicants never leave the host. Refreshed from the
/// server when it is older than the refresh interval (or after training); served from the cache while the server is
/// unreachable.
/// </summary>
internal sealed class ModelCache(FederatedClient client, IOptions<RestHostOptions> options, IOptions<CreditPredictorOptions> predictorOptions, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (GlobalModel Model, CreditPredictor Predictor)? _current;
    private DateTimeOffset _fetched = DateTimeOffset.MinValue;

    public (GlobalModel Model, CreditPredictor Predictor)? Current => _current;

    public void Invalidate() => _fetched = DateTimeOffset.MinValue;

    public void Dispose() => _refresh.Dispose();

    /// <summary>The newest trained model (version ≥ 1), or null if the session has none and none is cached.</summary>
    public async Task<(GlobalModel Model, CreditPredictor Predictor)?> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && time.GetUtcNow() - _fetched < options.Value.ModelRefreshInterval)
        {
            return _current;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GlobalModel latest = await client.GetGlobalModelAsync(options.Value.SessionId, 0, cancellationToken).ConfigureAwait(false);
            _fetched = time.GetUtcNow();
            if (latest.Version >= 1 && (_current is null || latest.Version > _current.Value.Model.Version))
            {
                _current = (latest, latest.CreatePredictor(CreditSchemas.GermanCredit, predictorOptions.Value));
            }
        }
        catch (FederationException) when (_current is not null)
        {
            // The server is away: keep predicting with the cached model.
        }
        finally
        {
            _refresh.Release();
        }

        return _current;
    }
}
