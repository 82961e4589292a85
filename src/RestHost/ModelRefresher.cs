using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>Refreshes the <see cref="ModelCache"/> at start-up and then every <see cref="RestHostOptions.ModelRefreshInterval"/>.</summary>
internal sealed class ModelRefresher(ModelCache models, IOptions<RestHostOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ModelRefreshInterval, time);
        do
        {
            // A refresh never throws: its outcome is recorded in ModelCache.Server for /readyz.
            await models.RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
