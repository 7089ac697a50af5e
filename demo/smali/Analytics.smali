.class public final Lio/mysdk/locationsdk/Analytics;
.super Ljava/lang/Object;

.field private static final ENDPOINT:Ljava/lang/String; = "https://collect.vigie-demo.invalid/v2/location"

.method public static init(Landroid/content/Context;)V
    .registers 6
    const-string v0, "location"
    invoke-virtual {p0, v0}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/location/LocationManager;
    const-string v1, "gps"
    invoke-virtual {v0, v1}, Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;
    invoke-virtual {p0}, Landroid/content/Context;->getContentResolver()Landroid/content/ContentResolver;
    return-void
.end method
