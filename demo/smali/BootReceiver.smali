.class public Lio/mysdk/locationsdk/BootReceiver;
.super Landroid/content/BroadcastReceiver;

.method public onReceive(Landroid/content/Context;Landroid/content/Intent;)V
    .registers 3
    invoke-static {p1}, Lio/mysdk/locationsdk/Analytics;->init(Landroid/content/Context;)V
    return-void
.end method
