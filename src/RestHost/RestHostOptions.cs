namespace PrivateFl.RestHost;

/// <summary>The REST host's own settings. Bound from the <c>RestHostOptions</c> configuration section.</summary>
public sealed class RestHostOptions
{
    /// <summary>Gets or sets the folder <c>addr</c> is resolved in; nothing outside it is ever read. Default: <c>data</c>.</summary>
    public string DataRoot { get; set; } = "data";

    /// <summary>Gets or sets the training session this bank takes part in. Default: <c>german-credit</c>.</summary>
    public string SessionId { get; set; } = "german-credit";

    /// <summary>Gets or sets the key callers of <c>/fl_train</c> present in <c>X-Api-Key</c>; empty leaves training open (development only). Default: empty.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Gets or sets how long a cached global model is used before asking the server for a newer one. Default: 30 seconds.</summary>
    public TimeSpan ModelRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
