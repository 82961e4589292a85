namespace PrivateFl.RestHost.Tests;

/// <summary>One host for the hostile-input tests, none of which starts a job: small row cap so that cap is cheap to reach.</summary>
public sealed class HostileHost : IAsyncLifetime
{
    public const int MaxRows = 200;

    internal RestHostFixture Fixture { get; private set; } = null!;

    public string DataRoot => Fixture.DataRoot;

    public HttpClient CreateClient() => Fixture.CreateClient();

    public async Task InitializeAsync() =>
        Fixture = await RestHostFixture.StartAsync(hostSettings: new Dictionary<string, string> { ["RestHostOptions:MaxDatasetRows"] = MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await Fixture.DisposeAsync();
}
