#!/usr/bin/python3
"""Peer: androguard (Debian package) parsing the same facts: the APK with its
manifest and permissions, and every DEX with its classes."""
import sys
from androguard.core.bytecodes.apk import APK
from androguard.core.bytecodes.dvm import DalvikVMFormat

a = APK(sys.argv[1])
classes = sum(len(DalvikVMFormat(dex).get_classes()) for dex in a.get_all_dex())
print(a.get_package(), len(a.get_permissions()), classes)
