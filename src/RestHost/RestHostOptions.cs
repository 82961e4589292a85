namespace PrivateFl.RestHost;

/// <summary>The REST host's own settings. Bound from the <c>RestHostOptions</c> configuration section; checked at start-up by <see cref="RestHostOptionsValidator"/>.</summary>
public sealed class RestHostOptions
{
    /// <summary>Gets or sets the folder <c>addr</c> is resolved in; nothing outside it is ever read. Default: <c>data</c>.</summary>
    public string DataRoot { get; set; } = "data";

    /// <summary>Gets or sets the training session this bank takes part in. Default: <c>german-credit</c>.</summary>
    public string SessionId { get; set; } = "german-credit";

    /// <summary>
    /// Gets or sets the feature schema this bank's data follows: a built-in schema name (<c>german-credit</c>,
    /// <c>taiwan-credit</c>) or the path of a schema file (specs/schema.md). Default: <c>german-credit</c>.
    /// </summary>
    /// <remarks>
    /// <c>/fl_train</c> checks the data set against it; training then refuses a session whose schema (fetched from
    /// the server and checked against the session's hash) is another one. <c>/fl_predict</c> takes its columns as fields,
    /// the OpenAPI document describes them, and the model refresh caches only a model trained over it.
    /// </remarks>
    public string Schema { get; set; } = "german-credit";

    /// <summary>
    /// Gets the mapping from this bank's own CSV header names to the schema's column names, such as
    /// <c>"RestHostOptions:ColumnMapping:Credit limit": "LIMIT_BAL"</c>; headers it does not name must carry the
    /// schema's names. Default: empty.
    /// </summary>
    /// <remarks>Checked against <see cref="Schema"/> at start-up: an unknown column or two headers for one column stop the host.</remarks>
    public Dictionary<string, string> ColumnMapping { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the key callers of <c>/fl_train</c> and <c>/fl_train/{id}</c> present in <c>X-Api-Key</c> (and of
    /// <c>/fl_predict</c> with <see cref="RequireApiKeyForPredict"/>); empty leaves them open (development only). Default: empty.
    /// </summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Gets or sets whether <c>/fl_predict</c> also needs <see cref="ApiKey"/> (which must then be set). Default: <see langword="false"/>.</summary>
    /// <remarks>A prediction reveals nothing about the bank's data, but scoring may be reserved to the bank's own systems.</remarks>
    public bool RequireApiKeyForPredict { get; set; }

    /// <summary>Gets or sets how often the cached global model is refreshed from the server in the background (1 second to 1 day). Default: 30 seconds.</summary>
    /// <remarks>Predictions never wait for a refresh: they use whatever model is cached.</remarks>
    public TimeSpan ModelRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one model refresh (or a <c>/readyz</c> probe) waits for the server (100 ms to 1 minute). Default: 2 seconds.</summary>
    public TimeSpan ServerProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the largest data set file <c>/fl_train</c> reads, in bytes (1 KiB to 16 GiB). Default: 64 MiB.</summary>
    /// <remarks>The size is checked on the opened file before reading, and reading stops there should the file grow.</remarks>
    public long MaxDatasetBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets the most data rows <c>/fl_train</c> reads from one data set (1 to 100,000,000). Default: 1,000,000.</summary>
    public int MaxDatasetRows { get; set; } = 1_000_000;

    /// <summary>Gets or sets the largest request body accepted, in bytes (1 KiB to 16 MiB); larger bodies get <c>413</c>. Default: 64 KiB.</summary>
    /// <remarks>Requests carry a file name or nine applicant fields: a few hundred bytes.</remarks>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the most fields of a form or JSON body (1 to 1,024); more get <c>400</c>. Default: 64.</summary>
    public int MaxRequestFields { get; set; } = 64;

    /// <summary>Gets or sets the longest form field name or value, in characters (16 to 1 MiB); longer get <c>400</c>. Default: 4,096.</summary>
    public int MaxFieldLength { get; set; } = 4096;
}
